package org.bbehr.app.importer;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads FHIR Bundles from files into a node through its FHIR API, as a hospital system would: Synthea's hospital and
 * practitioner information Bundles first, one after the other, then the other Bundles (one per patient) by
 * {@code threads} senders in parallel. Every entry ends up counted in the {@link ImportSummary}: loaded (by type and
 * outcome) or rejected with the reason; every file that is not a Bundle is listed.
 */
public final class FhirImport {

    private static final Logger log = LoggerFactory.getLogger(FhirImport.class);
    private static final int SOCKET_TIMEOUT_MILLIS = 10 * 60 * 1000;

    /** Where to send and how: the FHIR base URL and the number of parallel senders. */
    public record Options(String fhirUrl, int threads) {
        public Options {
            if (threads < 1) {
                throw new BbehrException(ErrorCode.INVALID_INPUT, "--threads must be at least 1");
            }
        }
    }

    private final Options options;
    private final FhirContext context;
    private final IGenericClient client;

    public FhirImport(Options options) {
        this.options = options;
        this.context = FhirContext.forR4();
        IRestfulClientFactory factory = context.getRestfulClientFactory();
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        factory.setSocketTimeout(SOCKET_TIMEOUT_MILLIS);
        factory.setConnectTimeout(10_000);
        factory.setPoolMaxTotal(options.threads() + 1);
        factory.setPoolMaxPerRoute(options.threads() + 1);
        this.client = context.newRestfulGenericClient(options.fhirUrl());
        this.client.setEncoding(EncodingEnum.JSON);
    }

    /**
     * Imports {@code path} (a Bundle file, or a folder of them) into {@code summary}, showing progress on
     * {@code progressOut}. Throws {@link ErrorCode#IMPORT_SERVER_UNREACHABLE} if the server cannot be reached; the
     * summary then holds what was done until then.
     */
    public void run(Path path, ImportSummary summary, PrintWriter progressOut, boolean terminal) {
        run(path, summary, progressOut, terminal, ImportJournal.NONE);
    }

    /**
     * Like {@link #run(Path, ImportSummary, PrintWriter, boolean)}, resuming what {@code journal} says was done: files
     * it records as loaded are skipped; a file that was in flight is skipped when its patient is already on the
     * server (its other entries were written in the same transaction) and sent again otherwise.
     */
    public void run(Path path, ImportSummary summary, PrintWriter progressOut, boolean terminal,
            ImportJournal journal) {
        ImportFiles files = ImportFiles.of(path);
        files.notBundles().forEach(f -> summary.skip(f, "not a .json or .xml file"));
        ProgressBar progress = new ProgressBar(progressOut, terminal, files.totalBytes(),
                files.information().size() + files.bundles().size());
        log.info("import of {} information and {} other Bundle files to {} with {} senders",
                files.information().size(), files.bundles().size(), options.fhirUrl(), options.threads());
        BundleSender sender = new BundleSender(client, summary);
        try {
            for (Path file : files.information()) {
                sendFile(file, sender, summary, progress, journal);
            }
            sendInParallel(files.bundles(), sender, summary, progress, journal);
        } finally {
            progress.finish();
        }
        log.info("import done: {} files, {} resources loaded, {} rejected", summary.files(), summary.loaded(),
                summary.rejections().size());
    }

    private void sendInParallel(List<Path> files, BundleSender sender, ImportSummary summary, ProgressBar progress,
            ImportJournal journal) {
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), Thread.ofPlatform()
                .name("import-", 1).daemon(true).factory());
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (Path file : files) {
                sent.add(pool.submit(() -> sendFile(file, sender, summary, progress, journal)));
            }
            for (Future<?> future : sent) {
                await(future, pool);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(Future<?> future, ExecutorService pool) {
        try {
            future.get();
        } catch (ExecutionException e) {
            pool.shutdownNow();
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            throw new BbehrException(ErrorCode.IMPORT_SERVER_UNREACHABLE, "the import was interrupted");
        }
    }

    private void sendFile(Path file, BundleSender sender, ImportSummary summary, ProgressBar progress,
            ImportJournal journal) {
        int resources = 0;
        ImportJournal.State state = journal.state(file);
        try {
            if (state != ImportJournal.State.LOADED) {
                BundleFile bundle = BundleFile.read(file, context);
                int patients = (int) bundle.entries.stream().filter(e -> "Patient".equals(BundleFile.typeOf(e)))
                        .count();
                if (state == ImportJournal.State.IN_DOUBT && sender.patientAlreadyThere(bundle)) {
                    resources = bundle.entries.size();
                } else {
                    journal.sending(file);
                    resources = sender.send(bundle);
                }
                journal.loaded(file, resources, patients);
            }
        } catch (BundleFile.Unusable unusable) {
            summary.reject(ImportSummary.Rejection.ofFile(file, unusable.getMessage()));
        }
        summary.fileDone();
        progress.fileDone(ImportFiles.size(file), resources);
    }
}
