package org.bbehr.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** docs/benchmarks.md: one "## " section per benchmark, each replaced on its own. */
final class BenchmarksFile {

    static final String TITLE = "# Benchmarks";

    private BenchmarksFile() {}

    /** Writes {@code section}, which starts with its {@code heading}, in place of the file's section of that heading. */
    static void writeSection(Path file, String heading, String section) {
        try {
            Path absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            String document = Files.exists(absolute) ? Files.readString(absolute) : TITLE + "\n";
            Files.writeString(absolute, replaceSection(document, heading, section));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the lines from {@code heading} up to the next "## " heading (or the end) with {@code section}, or
     * appends the section if the document has no such heading.
     */
    static String replaceSection(String document, String heading, String section) {
        List<String> lines = document.lines().toList();
        int start = lines.indexOf(heading);
        if (start < 0) {
            return document.stripTrailing() + "\n\n" + section;
        }
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ")) {
            end++;
        }
        String before = joined(lines.subList(0, start));
        List<String> after = lines.subList(end, lines.size());
        return before + section + (after.isEmpty() ? "" : "\n" + joined(after));
    }

    private static String joined(List<String> lines) {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
