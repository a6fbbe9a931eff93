package org.bbehr.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.bbehr.app.importer.FhirImport;
import org.bbehr.app.importer.ImportSummary;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bbehr import PATH}: loads FHIR Bundles into a running node through its FHIR API. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Load FHIR Bundles (transaction, batch or collection; JSON or XML) into a running node through "
                + "its FHIR API: one file, or every file under a folder, such as Synthea's output, whose hospital and "
                + "practitioner information Bundles go first. Prints progress on stderr, then the resources by type "
                + "and every rejected entry with the server's reason; exits with 1 if anything was rejected.")
final class ImportCommand implements Runnable {

    @Parameters(paramLabel = "PATH", description = "A Bundle file, or a folder of them (searched recursively).")
    Path path;

    @Option(names = "--fhir-url", paramLabel = "URL", defaultValue = "${env:BBEHR_FHIR_URL:-http://127.0.0.1:8080/fhir}",
            description = "The node's FHIR base URL (default: ${DEFAULT-VALUE}; env BBEHR_FHIR_URL).")
    String fhirUrl;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
            description = "Bundles sent in parallel (default: ${DEFAULT-VALUE}).")
    int threads;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        ImportSummary summary = new ImportSummary();
        FhirImport importer = new FhirImport(new FhirImport.Options(fhirUrl, threads));
        long started = System.nanoTime();
        try {
            importer.run(path, summary, spec.commandLine().getErr(), System.console() != null);
        } finally {
            if (summary.files() > 0) {
                summary.print(out, (System.nanoTime() - started) / 1_000_000);
            }
        }
        if (!summary.rejections().isEmpty()) {
            throw new BbehrException(ErrorCode.IMPORT_REJECTED, summary.rejections().size()
                    + " rejected (listed above); everything else was loaded");
        }
    }
}
