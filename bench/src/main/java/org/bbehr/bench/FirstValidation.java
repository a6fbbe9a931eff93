package org.bbehr.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.bbehr.app.fhir.ProfileValidator;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Resource;

/**
 * The first validation, as a node's first request after start-up sees it: of a synthetic Condition, each measured in
 * a fresh JVM, so that neither validator finds classes loaded or code compiled by the other. {@link #main} is what
 * that JVM runs.
 */
final class FirstValidation {

    /** What the fresh JVM measures. */
    enum Kind {
        /** The before validator, built then used at once. */
        BEFORE,
        /** The after validator, built then used at once. */
        AFTER,
        /** The after validator once {@link ProfileValidator#warmUp()} has run; that warm-up is timed too. */
        AFTER_WARM_UP
    }

    /** The first validation's and, for {@link Kind#AFTER_WARM_UP}, the warm-up's time. */
    record Times(double firstMillis, double warmUpMillis) {}

    private static final String PREFIX = "first-validation: ";

    private FirstValidation() {}

    /** Runs {@code kind} in a fresh JVM with this one's java and classpath. */
    static Times inFreshJvm(Kind kind) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"),
                FirstValidation.class.getName(), kind.name());
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("the " + kind + " first validation exited with " + process.exitValue());
            }
            String[] times = output.lines().filter(line -> line.startsWith(PREFIX)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no times from the " + kind + " first validation"))
                    .substring(PREFIX.length()).split(" ");
            return new Times(Double.parseDouble(times[0]), Double.parseDouble(times[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing the " + kind + " first validation", e);
        }
    }

    /** @param args the {@link Kind} to time; prints the times on a line of their own */
    public static void main(String[] args) {
        Kind kind = Kind.valueOf(args[0]);
        FhirContext context = FhirContext.forR4();
        Resource first = ValidationRecords.generate(context).stream().filter(Condition.class::isInstance)
                .findFirst().orElseThrow();
        long started = System.nanoTime();
        double warmUpMillis = 0;
        Candidate candidate;
        if (kind == Kind.BEFORE) {
            candidate = Candidate.before(context);
        } else {
            ProfileValidator validator = new ProfileValidator(context, false);
            if (kind == Kind.AFTER_WARM_UP) {
                validator.warmUp();
                warmUpMillis = millisSince(started);
                started = System.nanoTime();
            }
            candidate = Candidate.after(validator);
        }
        candidate.validate(first);
        System.out.println(PREFIX + String.format(Locale.ROOT, "%.1f %.1f", millisSince(started), warmUpMillis));
    }

    private static double millisSince(long started) {
        return (System.nanoTime() - started) / 1e6;
    }
}
