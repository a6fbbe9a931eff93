package org.bbehr.bench;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.bbehr.app.fhir.ProfileValidator;
import org.bbehr.bench.FirstValidation.Kind;
import org.hl7.fhir.r4.model.Resource;

/**
 * Measures full profile validation before (HAPI's validator as it comes) and after (the node's
 * {@link ProfileValidator}) on synthetic records, prints the table and writes it to the "Full profile validation"
 * section of docs/benchmarks.md. Run it with {@value ValidationReport#COMMAND}.
 */
public final class ValidationBenchmark {

    private ValidationBenchmark() {}

    /** @param args the path of docs/benchmarks.md */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ValidationBenchmark <path of docs/benchmarks.md>");
            System.exit(2);
        }
        long started = System.nanoTime();
        Machine machine = Machine.describeWithoutChain();
        FirstValidation.Times firstBefore = FirstValidation.inFreshJvm(Kind.BEFORE);
        FirstValidation.Times firstAfter = FirstValidation.inFreshJvm(Kind.AFTER);
        FirstValidation.Times afterWarmUp = FirstValidation.inFreshJvm(Kind.AFTER_WARM_UP);
        FhirContext context = FhirContext.forR4();
        List<Resource> records = ValidationRecords.generate(context);
        Candidate before = Candidate.before(context);
        Candidate after = Candidate.after(new ProfileValidator(context, false));
        Agreement agreement = Agreement.of(before, after, records, context);
        ValidationTimings beforeTimings = ValidationTimings.measure(before, records);
        ValidationTimings afterTimings = ValidationTimings.measure(after, records);
        String section = ValidationReport.render(new ValidationReport.Results(LocalDate.now(), machine,
                Duration.ofNanos(System.nanoTime() - started), firstBefore, firstAfter, afterWarmUp, beforeTimings,
                afterTimings, agreement));
        Path file = Path.of(args[0]);
        BenchmarksFile.writeSection(file, ValidationReport.HEADING, section);
        System.out.println(section);
        System.out.println("Written to " + file.toAbsolutePath());
    }
}
