package org.bbehr.bench;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Locale;

/** The validation benchmark's figures, before beside after, as the Markdown section of docs/benchmarks.md. */
final class ValidationReport {

    static final String HEADING = "## Full profile validation";
    static final String COMMAND = "./mvnw -q -pl bench -am -Pvalidation-bench -DskipTests verify";
    /** The stretch goal for full profile validation on two cores. */
    static final double TARGET_PER_SECOND = 500;

    /** Everything one run measured. */
    record Results(
            LocalDate date,
            Machine machine,
            Duration runTime,
            FirstValidation.Times firstBefore,
            FirstValidation.Times firstAfter,
            FirstValidation.Times afterWarmUp,
            ValidationTimings before,
            ValidationTimings after,
            Agreement agreement) {}

    private ValidationReport() {}

    static String render(Results results) {
        return String.join("\n", HEADING, "", context(results), table(results), agreement(results.agreement()));
    }

    private static String context(Results results) {
        Machine machine = results.machine();
        return """
                - Date: %s
                - Machine: %d cores, %s, %s; load average %s at the start (1 min, other processes included)
                - Java: %s
                - Command: `%s` (main class `%s`); the run took %d s
                - Records: the %d resources of %d fictional patients' transaction bundles (`SyntheticRecords`, \
                Synthea's shapes: per patient a Patient, 5 Encounters, 4 Conditions, 30 Observations of vital signs, \
                blood pressure and laboratory, 4 MedicationRequests, 3 Procedures, 3 Immunizations), each validated \
                on its own (`ValidationRecords`): every vital sign declares its core vital-sign profile, so it is \
                validated against it too; every other patient's resources declare US Core profiles, which the node \
                does not have (a warning each); %d are broken on purpose.

                Before is HAPI's `FhirInstanceValidator` as `ProfileValidator` used to build it: for every resource \
                it builds a new `InstanceValidator`, which reads the 1.5 MB OID registry and sets up a FHIRPath engine \
                and profile utilities. After is `ProfileValidator` now: `PooledInstanceValidator` takes its \
                `InstanceValidator` from a pool and gives it back. Both have the same validation support chain and \
                settings; the steady-state figures come from the same JVM, each after one untimed pass over the \
                records; each first validation ran in a fresh JVM.
                """.formatted(results.date(), machine.cores(), machine.memory(), machine.os(), machine.load(),
                machine.java(), COMMAND, ValidationBenchmark.class.getName(), results.runTime().toSeconds(),
                results.agreement().records(), ValidationRecords.PATIENTS, ValidationRecords.BROKEN);
    }

    private static String table(Results results) {
        ValidationTimings before = results.before();
        ValidationTimings after = results.after();
        FirstValidation.Times warmedUp = results.afterWarmUp();
        return "| Measure | Before | After | Speed-up | Target | Met |\n|---|--:|--:|--:|--:|:-:|\n"
                + row("First validation of a Condition (fresh JVM: loads the core definitions)",
                        millis(results.firstBefore().firstMillis()) + " ms",
                        millis(results.firstAfter().firstMillis()) + " ms", "—", "—", "—")
                + row("First validation of a Condition after `warmUp()` (which took %s ms)"
                                .formatted(millis(warmedUp.warmUpMillis())),
                        "—", millis(warmedUp.firstMillis()) + " ms", "—", "—", "—")
                + row("Steady state, 1 thread (median of %d rounds)".formatted(ValidationTimings.ROUNDS),
                        millis(before.millisPerResource()) + " ms/resource",
                        millis(after.millisPerResource()) + " ms/resource",
                        ratio(before.millisPerResource() / after.millisPerResource()), "—", "—")
                + row("Throughput, %d threads (median of %d rounds)"
                                .formatted(ValidationTimings.THREADS, ValidationTimings.ROUNDS),
                        whole(before.perSecondOnThreads()) + " resources/s",
                        whole(after.perSecondOnThreads()) + " resources/s",
                        ratio(after.perSecondOnThreads() / before.perSecondOnThreads()),
                        "≥ " + whole(TARGET_PER_SECOND) + " resources/s",
                        after.perSecondOnThreads() >= TARGET_PER_SECOND ? "✓" : "✗")
                + "\nThe first validation is mostly loading the core definitions: the same work before and after, "
                + "so no speed-up is claimed (the two differ by run-to-run noise); `warmUp()` does it before the "
                + "first request.\n";
    }

    private static String agreement(Agreement agreement) {
        return """
                Same issues: before and after gave identical OperationOutcomes (every issue, its severity, message \
                and location) for %d of %d records; %d records have errors, the ones broken on purpose (a missing \
                required element, a code outside a required binding, an unknown code, a missing vaccine code).
                """.formatted(agreement.identical(), agreement.records(), agreement.withErrors());
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String millis(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : value >= 10 ? "%.1f" : "%.2f", value);
    }

    private static String whole(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, value >= 10 ? "%.0f×" : "%.1f×", value);
    }
}
