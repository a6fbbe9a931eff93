package org.bbehr.app.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bbehr keys rotate-kek}: a new key-encryption key, every data key re-wrapped under it, with progress. */
@Command(name = "rotate-kek", mixinStandardHelpOptions = true,
        description = "Rotate the key-encryption key: re-wrap every resource's data key under a new one, then retire "
                + "the old one. Safe to interrupt: the next run resumes. Back the keys up again afterwards.")
final class KeysRotateKekCommand implements Runnable {

    @Mixin
    StoreOptions storeOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        long rewrapped = storeOptions.applyAlone("bbehr keys rotate-kek", store -> store.rotateKek((done, total) -> {
            out.print("\rre-wrapping data keys: " + done + " / " + total + progressBar(done, total));
            out.flush();
        }));
        out.println();
        out.println("key-encryption key rotated; " + rewrapped + " data keys re-wrapped. Back up the keys again "
                + "(bbehr keys backup): older backups hold the retired key.");
        out.flush();
    }

    static String progressBar(long done, long total) {
        int width = 30;
        int filled = total == 0 ? width : (int) Math.min(width, done * width / total);
        return " [" + "#".repeat(filled) + " ".repeat(width - filled) + "]";
    }
}
