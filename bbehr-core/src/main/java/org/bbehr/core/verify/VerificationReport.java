package org.bbehr.core.verify;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How many versions ended in each status, the verdicts kept (all of them, or only those not verified), and the roots
 * anchored on chain that the store does not account for (checked when the whole store is verified).
 */
public record VerificationReport(Map<VerificationStatus, Long> counts, List<Verdict> verdicts,
        List<RootProblem> roots) {

    public VerificationReport {
        counts = Map.copyOf(counts);
        verdicts = List.copyOf(verdicts);
        roots = List.copyOf(roots);
    }

    public VerificationReport(Map<VerificationStatus, Long> counts, List<Verdict> verdicts) {
        this(counts, verdicts, List.of());
    }

    public long count(VerificationStatus status) {
        return counts.getOrDefault(status, 0L);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether any version is tampered, or any anchored root is unaccounted for. */
    public boolean anyTampered() {
        return count(VerificationStatus.TAMPERED) > 0 || !roots.isEmpty();
    }

    static Map<VerificationStatus, Long> zeroCounts() {
        Map<VerificationStatus, Long> counts = new EnumMap<>(VerificationStatus.class);
        for (VerificationStatus status : VerificationStatus.values()) {
            counts.put(status, 0L);
        }
        return counts;
    }
}
