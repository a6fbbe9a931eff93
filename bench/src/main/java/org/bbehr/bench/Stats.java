package org.bbehr.bench;

import java.util.List;

/** Order statistics of a run's samples. */
final class Stats {

    private Stats() {}

    /** The middle sample, or the mean of the two middle samples of an even count. */
    static double median(List<? extends Number> samples) {
        double[] sorted = sorted(samples);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The nearest-rank 95th percentile. */
    static double p95(List<? extends Number> samples) {
        double[] sorted = sorted(samples);
        return sorted[(int) Math.ceil(0.95 * sorted.length) - 1];
    }

    private static double[] sorted(List<? extends Number> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        return samples.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    }
}
