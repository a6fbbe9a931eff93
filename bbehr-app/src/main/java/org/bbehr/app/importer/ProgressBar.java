package org.bbehr.app.importer;

import java.io.PrintWriter;

/**
 * The import's progress on stderr: on a terminal one line redrawn in place, otherwise (a log file, a pipe) a line at
 * each tenth of the way. Progress is measured in bytes of Bundle files done, which the files' sizes give up front.
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private final long totalBytes;
    private final int totalFiles;
    private final long started = System.nanoTime();
    private long bytes;
    private int files;
    private long resources;
    private int lastTenth = -1;

    ProgressBar(PrintWriter err, boolean terminal, long totalBytes, int totalFiles) {
        this.err = err;
        this.terminal = terminal;
        this.totalBytes = Math.max(1, totalBytes);
        this.totalFiles = totalFiles;
    }

    synchronized void fileDone(long fileBytes, int fileResources) {
        bytes += fileBytes;
        files++;
        resources += fileResources;
        int percent = (int) Math.min(100, bytes * 100 / totalBytes);
        if (terminal) {
            int filled = percent * WIDTH / 100;
            err.print("\r[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + line(percent));
            err.flush();
        } else if (percent / 10 > lastTenth) {
            lastTenth = percent / 10;
            err.println("importing: " + line(percent));
            err.flush();
        }
    }

    synchronized void finish() {
        if (terminal && files > 0) {
            err.println();
            err.flush();
        }
    }

    private String line(int percent) {
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        return String.format("%3d%%  %,d/%,d files  %,d resources  %,.0f resources/s", percent, files, totalFiles,
                resources, resources / seconds);
    }
}
