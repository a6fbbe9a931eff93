package org.bbehr.synthea;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Generates synthetic patients with Synthea: FHIR R4 transaction Bundles only, one per patient, plus the hospital and
 * practitioner information Bundles they refer to, all in {@code OUT/fhir/}. The seed, the reference date and the
 * years of history fix the output, so one set of arguments always gives the same patients.
 *
 * <pre>java -cp 'bbehr-synthea.jar:lib/*' org.bbehr.synthea.SyntheaGenerator --patients N --out DIR
 *     [--seed S] [--years-of-history Y] [--reference-date YYYYMMDD]</pre>
 *
 * Exit code 0 when the Bundles are there, 1 when generation failed, 2 for bad arguments; errors are one line on
 * stderr. Synthea's own output (the modules it loads) goes to stdout; patient names are never printed.
 */
public final class SyntheaGenerator {

    /** What to generate. */
    public record Options(int patients, Path out, long seed, int yearsOfHistory, LocalDate referenceDate) {

        public static final long DEFAULT_SEED = 1;
        public static final int DEFAULT_YEARS_OF_HISTORY = 10;
        public static final LocalDate DEFAULT_REFERENCE_DATE = LocalDate.of(2026, 1, 1);

        public Options {
            if (patients < 1) {
                throw new IllegalArgumentException("--patients must be at least 1");
            }
            if (yearsOfHistory < 0) {
                throw new IllegalArgumentException("--years-of-history must be 0 (everything) or more");
            }
        }
    }

    /** What was generated. */
    public record Output(Path folder, List<Path> hospitals, List<Path> practitioners, List<Path> patients) {}

    private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;

    private SyntheaGenerator() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bbehr-synthea: " + e.getMessage());
            System.err.println("usage: SyntheaGenerator --patients N --out DIR [--seed S] [--years-of-history Y] "
                    + "[--reference-date YYYYMMDD]");
            System.exit(2);
            return;
        }
        long started = System.nanoTime();
        try {
            Output output = generate(options);
            System.out.printf("generated %d patient bundles, %d hospital and %d practitioner bundles in %s (%d s)%n",
                    output.patients().size(), output.hospitals().size(), output.practitioners().size(),
                    output.folder(), (System.nanoTime() - started) / 1_000_000_000L);
            System.exit(0);
        } catch (RuntimeException e) {
            System.err.println("bbehr-synthea: generation failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Runs Synthea in this JVM and checks its output. Synthea's configuration is global: one run per JVM. */
    public static Output generate(Options options) {
        try {
            Files.createDirectories(options.out());
            // Synthea's command line, its documented interface; its class App is in the unnamed package
            Class.forName("App").getMethod("main", String[].class)
                    .invoke(null, (Object) syntheaArguments(options).toArray(String[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Synthea failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Synthea is not on the classpath: " + e, e);
        }
        return checkOutput(options);
    }

    /** Synthea's command line: FHIR R4 transaction Bundles and the information Bundles, no other exporter. */
    static List<String> syntheaArguments(Options options) {
        String date = DATE.format(options.referenceDate());
        List<String> args = new ArrayList<>(List.of(
                "-s", Long.toString(options.seed()), "-cs", Long.toString(options.seed()),
                "-r", date, "-e", date, "-p", Integer.toString(options.patients())));
        for (String setting : List.of(
                "exporter.baseDirectory=" + options.out().toAbsolutePath() + "/",
                "exporter.years_of_history=" + options.yearsOfHistory(),
                // no patient names in file names, nor on the console
                "exporter.use_uuid_filenames=true",
                "generate.log_patients.detail=none",
                "exporter.fhir.export=true",
                "exporter.fhir.transaction_bundle=true",
                "exporter.fhir.bulk_data=false",
                "exporter.hospital.fhir.export=true",
                "exporter.practitioner.fhir.export=true",
                "exporter.pretty_print=false",
                "exporter.metadata.export=false",
                "exporter.enable_custom_exporters=false",
                "exporter.groups.fhir.export=false",
                "exporter.fhir_stu3.export=false",
                "exporter.fhir_dstu2.export=false",
                "exporter.hospital.fhir_stu3.export=false",
                "exporter.hospital.fhir_dstu2.export=false",
                "exporter.practitioner.fhir_stu3.export=false",
                "exporter.practitioner.fhir_dstu2.export=false",
                "exporter.ccda.export=false",
                "exporter.json.export=false",
                "exporter.csv.export=false",
                "exporter.cpcds.export=false",
                "exporter.bfd.export=false",
                "exporter.cdw.export=false",
                "exporter.text.export=false",
                "exporter.text.per_encounter_export=false",
                "exporter.clinical_note.export=false",
                "exporter.symptoms.csv.export=false",
                "exporter.symptoms.text.export=false")) {
            args.add("--" + setting);
        }
        return args;
    }

    static Options parse(String[] args) {
        Integer patients = null;
        Path out = null;
        long seed = Options.DEFAULT_SEED;
        int years = Options.DEFAULT_YEARS_OF_HISTORY;
        LocalDate date = Options.DEFAULT_REFERENCE_DATE;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            try {
                switch (name) {
                    case "--patients" -> patients = Integer.parseInt(value);
                    case "--out" -> out = Path.of(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--years-of-history" -> years = Integer.parseInt(value);
                    case "--reference-date" -> date = LocalDate.parse(value, DATE);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new IllegalArgumentException(name + " " + value + " is not valid");
            }
        }
        if (patients == null || out == null) {
            throw new IllegalArgumentException("--patients and --out are required");
        }
        return new Options(patients, out, seed, years, date);
    }

    private static Output checkOutput(Options options) {
        Path folder = options.out().resolve("fhir");
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("Synthea wrote no FHIR folder (" + folder + "); see its output above");
        }
        List<Path> hospitals = new ArrayList<>();
        List<Path> practitioners = new ArrayList<>();
        List<Path> patients = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("hospitalInformation")) {
                    hospitals.add(file);
                } else if (name.startsWith("practitionerInformation")) {
                    practitioners.add(file);
                } else if (name.endsWith(".json")) {
                    patients.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (hospitals.isEmpty() || practitioners.isEmpty() || patients.size() < options.patients()) {
            throw new IllegalStateException("Synthea wrote " + patients.size() + " patient, " + hospitals.size()
                    + " hospital and " + practitioners.size() + " practitioner bundles, expected at least "
                    + options.patients() + ", 1 and 1; see its output above");
        }
        return new Output(folder, hospitals, practitioners, patients);
    }
}
