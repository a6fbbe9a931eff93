package org.bbehr.core.verify;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.Ledger;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.record.Anchor;

/**
 * Compares what two RPC endpoints of the same chain say about this hospital's anchors, so that one endpoint that lies
 * (a party on the path, or a validator's node that is not honest) is caught by another member's: every
 * {@code RootAnchored} event of the hospital up to the lower of the two heads (root, leaf count, block, transaction),
 * and the anchor of every root the store holds as anchored. A verification that believes one endpoint alone can be
 * made to pass tampered records; one that a second endpoint agrees with cannot, unless both lie alike.
 */
public final class ChainCrossCheck {

    private static final long EVENT_PAGE = 5_000;

    /** One thing the two endpoints answer differently. */
    public record Difference(String subject, String primary, String second) {
        @Override
        public String toString() {
            return subject + ": " + primary + " at the RPC endpoint, " + second + " at the cross-check endpoint";
        }
    }

    /** What was compared and what differed. */
    public record Result(long toBlock, int eventsCompared, int rootsCompared, List<Difference> differences) {
        public boolean agree() {
            return differences.isEmpty();
        }
    }

    private record Anchored(int leafCount, long block, Bytes32 transaction) {
        @Override
        public String toString() {
            return "anchored with " + leafCount + " leaves in block " + block + " (transaction " + transaction + ")";
        }
    }

    private ChainCrossCheck() {}

    /**
     * @param storedRoots the roots the store holds as anchored for this hospital
     */
    public static Result compare(Ledger primary, Ledger second, int hospitalId, Collection<Bytes32> storedRoots) {
        List<Difference> differences = new ArrayList<>();
        if (primary.deployment().deployBlock() != second.deployment().deployBlock()) {
            differences.add(new Difference("deployment block", Long.toString(primary.deployment().deployBlock()),
                    Long.toString(second.deployment().deployBlock())));
        }
        long head = Math.min(primary.blockNumber(), second.blockNumber());
        Map<Bytes32, Anchored> onPrimary = rootsAnchored(primary, hospitalId, head);
        Map<Bytes32, Anchored> onSecond = rootsAnchored(second, hospitalId, head);
        Set<Bytes32> roots = new LinkedHashSet<>(onPrimary.keySet());
        roots.addAll(onSecond.keySet());
        for (Bytes32 root : roots) {
            Anchored a = onPrimary.get(root);
            Anchored b = onSecond.get(root);
            if (!Objects.equals(a, b)) {
                differences.add(new Difference("RootAnchored " + root, a == null ? "no such event" : a.toString(),
                        b == null ? "no such event" : b.toString()));
            }
        }
        Set<Bytes32> asked = new LinkedHashSet<>(storedRoots);
        for (Bytes32 root : asked) {
            Optional<Anchor> a = primary.findAnchor(hospitalId, root);
            Optional<Anchor> b = second.findAnchor(hospitalId, root);
            if (!a.equals(b)) {
                differences.add(new Difference("anchorOf(" + hospitalId + ", " + root + ")", describe(a),
                        describe(b)));
            }
        }
        return new Result(head, roots.size(), asked.size(), List.copyOf(differences));
    }

    private static Map<Bytes32, Anchored> rootsAnchored(Ledger ledger, int hospitalId, long head) {
        Map<Bytes32, Anchored> roots = new LinkedHashMap<>();
        for (long from = ledger.deployment().deployBlock(); from <= head; from += EVENT_PAGE) {
            for (LedgerEvent event : ledger.readEvents(from, Math.min(head, from + EVENT_PAGE - 1))) {
                if (event instanceof LedgerEvent.RootAnchored anchored && anchored.hospitalId() == hospitalId) {
                    roots.put(anchored.root(), new Anchored(anchored.leafCount(), anchored.position().blockNumber(),
                            anchored.position().txHash()));
                }
            }
        }
        return roots;
    }

    private static String describe(Optional<Anchor> anchor) {
        return anchor.map(a -> "anchored at " + a.anchoredAt() + " with " + a.leafCount() + " leaves")
                .orElse("not anchored");
    }
}
