package org.bbehr.app.importer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an import did: resources by type and outcome, every rejected entry or file with the reason, every file left
 * out and why. Thread-safe: bundles are sent in parallel.
 */
public final class ImportSummary {

    /** What happened to one entry. */
    public enum Outcome {
        /** 201: a new resource. */
        CREATED,
        /** 200 to a PUT: a new version of an existing resource. */
        UPDATED,
        /** 200 to a conditional create that matched: the resource was already there, nothing written. */
        EXISTING,
        /** 204 to a DELETE. */
        DELETED,
        /** 200 to a GET. */
        READ,
        REJECTED
    }

    /** An entry the server refused, or a whole file that could not be sent. */
    public record Rejection(Path file, int entry, String type, String fullUrl, String reason) {

        /** A file that could not be read as a FHIR Bundle: no entry of it was sent. */
        static Rejection ofFile(Path file, String reason) {
            return new Rejection(file, -1, null, null, reason);
        }

        String describe() {
            if (entry < 0) {
                return file.getFileName() + ": " + reason;
            }
            return file.getFileName() + ", entry " + (entry + 1) + " (" + (type == null ? "no resource" : type)
                    + (fullUrl == null ? "" : " " + fullUrl) + "): " + reason;
        }
    }

    private final Map<String, long[]> byType = new TreeMap<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private int files;
    private int retriedBundles;

    synchronized void add(String type, Outcome outcome) {
        byType.computeIfAbsent(type, t -> new long[Outcome.values().length])[outcome.ordinal()]++;
    }

    synchronized void reject(Rejection rejection) {
        rejections.add(rejection);
        if (rejection.type() != null) {
            add(rejection.type(), Outcome.REJECTED);
        }
    }

    synchronized void skip(Path file, String why) {
        skipped.add(file.getFileName() + " (" + why + ")");
    }

    synchronized void fileDone() {
        files++;
    }

    /** A transaction the server refused as a whole, then sent again entry by entry. */
    synchronized void retried() {
        retriedBundles++;
    }

    public synchronized long count(Outcome outcome) {
        return byType.values().stream().mapToLong(counts -> counts[outcome.ordinal()]).sum();
    }

    public synchronized long count(String type, Outcome outcome) {
        long[] counts = byType.get(type);
        return counts == null ? 0 : counts[outcome.ordinal()];
    }

    /** Resources the server now holds because of this import: created, updated or found already there. */
    public synchronized long loaded() {
        return count(Outcome.CREATED) + count(Outcome.UPDATED) + count(Outcome.EXISTING);
    }

    public synchronized List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    public synchronized List<String> skipped() {
        return List.copyOf(skipped);
    }

    public synchronized int files() {
        return files;
    }

    /** The table of resources by type, then every rejection and every file left out. */
    public synchronized void print(PrintWriter out, long millis) {
        long loaded = loaded();
        out.printf("Imported %,d Bundle file%s in %.1f s: %,d resources loaded (%,.0f/s), %,d rejected%n", files,
                files == 1 ? "" : "s", millis / 1000.0, loaded, millis == 0 ? 0.0 : loaded * 1000.0 / millis,
                rejections.size());
        String row = "  %-28s %10s %10s %14s %10s%n";
        out.printf(row, "Resource type", "Created", "Updated", "Already there", "Rejected");
        byType.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -sum(e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> printRow(out, row, e.getKey(), e.getValue()));
        long[] total = new long[Outcome.values().length];
        byType.values().forEach(counts -> {
            for (int i = 0; i < counts.length; i++) {
                total[i] += counts[i];
            }
        });
        printRow(out, row, "Total", total);
        if (total[Outcome.DELETED.ordinal()] + total[Outcome.READ.ordinal()] > 0) {
            out.printf("Also %,d deleted and %,d read by the Bundles' DELETE and GET entries.%n",
                    total[Outcome.DELETED.ordinal()], total[Outcome.READ.ordinal()]);
        }
        if (retriedBundles > 0) {
            out.printf("Bundles refused as a whole and sent again entry by entry (to load every entry the server "
                    + "accepts and name each one it refuses): %,d%n", retriedBundles);
        }
        if (!rejections.isEmpty()) {
            out.printf("Rejected (%,d):%n", rejections.size());
            rejections.stream().sorted(Comparator.comparing((Rejection r) -> r.file().toString())
                    .thenComparingInt(Rejection::entry)).forEach(r -> out.println("  " + r.describe()));
        }
        if (!skipped.isEmpty()) {
            out.printf("Not imported, not FHIR Bundles (%,d):%n", skipped.size());
            skipped.forEach(s -> out.println("  " + s));
        }
        out.flush();
    }

    private static void printRow(PrintWriter out, String row, String type, long[] counts) {
        out.printf(row, type, number(counts[Outcome.CREATED.ordinal()]), number(counts[Outcome.UPDATED.ordinal()]),
                number(counts[Outcome.EXISTING.ordinal()]), number(counts[Outcome.REJECTED.ordinal()]));
    }

    private static String number(long n) {
        return String.format("%,d", n);
    }

    private static long sum(long[] counts) {
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        return sum;
    }
}
