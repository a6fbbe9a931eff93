package org.bbehr.app.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.bbehr.app.fhir.FhirRecords;
import org.bbehr.app.fhir.RecordIntegrity;
import org.bbehr.core.access.AllowAllPolicy;
import org.bbehr.core.access.NoOpAuditTrail;
import org.bbehr.core.access.RecordAccess;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.store.record.BlindIndexRotation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bbehr keys rotate-index}: a new blind-index key, every search token re-indexed under it, then the old key
 * retired, with progress. The running node does it in the background while it keeps answering searches; with the node
 * stopped, {@code --offline} does it on the store directly.
 */
@Command(name = "rotate-index", mixinStandardHelpOptions = true,
        description = "Rotate the blind-index key: re-index every search token under a new key, then retire the old "
                + "one. The running node (--node) does it in the background and keeps answering searches correctly; "
                + "with the node stopped, --offline does it on its store. Safe to interrupt: the next run resumes. "
                + "Back the keys up again afterwards.")
final class KeysRotateIndexCommand implements Runnable {

    private static final Duration POLL = Duration.ofMillis(500);

    @Option(names = "--node", paramLabel = "URL",
            defaultValue = "${env:BBEHR_MANAGEMENT_URL:-http://127.0.0.1:9080}",
            description = "The running node's management address (default: ${DEFAULT-VALUE}; env"
                    + " BBEHR_MANAGEMENT_URL).")
    URI node;

    @Option(names = "--offline",
            description = "Rotate on the store of a stopped node instead (its --data-dir, or --store-url).")
    boolean offline;

    @Mixin
    StoreOptions storeOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!offline && storeOptions.url != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--store-url is for --offline");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (offline) {
            offline(out);
        } else {
            throughNode(out);
        }
    }

    private void throughNode(PrintWriter out) {
        BlindIndexRotationClient client = new BlindIndexRotationClient(node);
        BlindIndexRotationClient.Started started = client.start();
        out.println(started.started() ? "the node at " + node + " re-indexes in the background"
                : "a blind-index key rotation is already running on the node at " + node + "; following it");
        out.println("(Ctrl-C stops only this display: the node goes on)");
        long run = started.status().run();
        BlindIndexRotationClient.Status status = started.status();
        while (status.running()) {
            showProgress(out, status.done(), status.total());
            pause();
            status = client.status();
            if (status.run() != run) {
                throw new BbehrException(ErrorCode.KEYS_ROTATION_UNFINISHED, "the node restarted during the rotation;"
                        + " it resumes the rotation by itself: run this command again to follow it");
            }
        }
        showProgress(out, status.done(), status.total());
        out.println();
        switch (status.state()) {
            case "finished" -> finished(out, status.done(), status.unreadable());
            case "failed" -> throw BlindIndexRotationClient.nodeError(status.error());
            default -> throw new BbehrException(ErrorCode.KEYS_ROTATION_UNFINISHED, "the node stopped the rotation ("
                    + status.state() + ") after " + status.done() + " of " + status.total() + " resources; it resumes"
                    + " when the node starts again");
        }
    }

    private void offline(PrintWriter out) {
        try (StoreOptions.Opened opened = storeOptions.openAlone("bbehr keys rotate-index --offline")) {
            FhirRecords records = FhirRecords.of(FhirContext.forR4(), new RecordAccess(new RecordAccess.Parts(
                    opened.store(), opened.store(), Optional.empty(), opened.keys().blindIndex(),
                    AllowAllPolicy.INSTANCE, NoOpAuditTrail.INSTANCE)), RecordIntegrity.NONE);
            BlindIndexRotation.Result result = opened.store().rotateBlindIndex(records::indexEntriesOf,
                    BlindIndexRotation.Options.defaults(), (done, total) -> showProgress(out, done, total));
            out.println();
            finished(out, result.reindexed(), result.unreadable());
        }
    }

    private static void showProgress(PrintWriter out, long done, long total) {
        out.print("\rre-indexing search tokens: " + done + " / " + total
                + KeysRotateKekCommand.progressBar(done, total));
        out.flush();
    }

    private static void finished(PrintWriter out, long reindexed, long unreadable) {
        out.println("blind-index key rotated; " + reindexed + " resources re-indexed"
                + (unreadable == 0 ? "" : ", " + unreadable + " unreadable (see the node's log; check them with $verify)")
                + ". Back up the keys again (bbehr keys backup): older backups hold the retired key.");
        out.flush();
    }

    private static void pause() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BbehrException(ErrorCode.KEYS_ROTATION_UNFINISHED, "interrupted; the node goes on with the"
                    + " rotation");
        }
    }
}
