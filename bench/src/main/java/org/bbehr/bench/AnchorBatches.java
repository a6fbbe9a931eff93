package org.bbehr.bench;

import org.bbehr.core.record.MerkleTree;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.Ledger;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.ledger.TransactionOutcome;

/**
 * The gas per anchored record: one Merkle root per batch of N record leaves, the median of {@value #ROOTS} roots
 * per batch size. Each anchored root is checked to prove one of its leaves, so the batches are real.
 */
final class AnchorBatches {

    static final List<Integer> BATCH_SIZES = List.of(1, 10, 100, 1_000);
    static final int ROOTS = 20;
    static final long TARGET_PER_BATCH = 60_000;

    /** The median gas of the anchor transaction of a batch of {@code batchSize} leaves. */
    record Figure(int batchSize, double medianBatchGas) {

        double gasPerRecord() {
            return medianBatchGas / batchSize;
        }

        double targetPerRecord() {
            return (double) TARGET_PER_BATCH / batchSize;
        }

        boolean meetsTarget() {
            return medianBatchGas <= TARGET_PER_BATCH;
        }
    }

    private AnchorBatches() {}

    /** @param node the ledger of an active hospital's node */
    static List<Figure> measure(Ledger node) {
        return BATCH_SIZES.stream().map(size -> measure(node, size)).toList();
    }

    private static Figure measure(Ledger node, int batchSize) {
        List<Long> gas = new ArrayList<>();
        for (int root = 0; root < ROOTS; root++) {
            List<Bytes32> leaves = Stream.generate(Bytes32::random).limit(batchSize).toList();
            MerkleTree tree = new MerkleTree(leaves);
            TransactionOutcome outcome = node.submit(new LedgerCall.AnchorRoot(tree.root(), batchSize));
            gas.add(outcome.gasUsed());
            int leaf = ThreadLocalRandom.current().nextInt(batchSize);
            node.verify(outcome.event(LedgerEvent.RootAnchored.class).hospitalId(), tree.root(), tree.proof(leaf),
                    leaves.get(leaf));
        }
        return new Figure(batchSize, Stats.median(gas));
    }
}
