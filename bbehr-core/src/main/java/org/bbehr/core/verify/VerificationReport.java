package org.bbehr.core.verify;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How many versions ended in each status, and the verdicts kept (all of them, or only those not verified).
 */
public record VerificationReport(Map<VerificationStatus, Long> counts, List<Verdict> verdicts) {

    public VerificationReport {
        counts = Map.copyOf(counts);
        verdicts = List.copyOf(verdicts);
    }

    public long count(VerificationStatus status) {
        return counts.getOrDefault(status, 0L);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean anyTampered() {
        return count(VerificationStatus.TAMPERED) > 0;
    }

    static Map<VerificationStatus, Long> zeroCounts() {
        Map<VerificationStatus, Long> counts = new EnumMap<>(VerificationStatus.class);
        for (VerificationStatus status : VerificationStatus.values()) {
            counts.put(status, 0L);
        }
        return counts;
    }
}
