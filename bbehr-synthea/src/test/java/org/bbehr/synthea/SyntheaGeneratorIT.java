package org.bbehr.synthea;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged generator, run as the app runs it: a JVM of its own on {@code bbehr-synthea.jar} and {@code lib/}. */
class SyntheaGeneratorIT {

    @TempDir
    Path dir;

    final FhirContext fhir = FhirContext.forR4();

    @Test
    void generatorShouldWriteParsableTransactionBundlesAndTheInformationBundles() throws Exception {
        // given
        Path out = dir.resolve("out");
        // when
        Run run = generator("--patients", "1", "--out", out.toString(), "--years-of-history", "1");
        // then
        assertThat(run.exitCode()).as(run.output()).isZero();
        List<Path> files;
        try (Stream<Path> listed = Files.list(out.resolve("fhir"))) {
            files = listed.sorted().toList();
        }
        assertThat(files).anyMatch(f -> f.getFileName().toString().startsWith("hospitalInformation"))
                .anyMatch(f -> f.getFileName().toString().startsWith("practitionerInformation"));
        List<Bundle> patients = new ArrayList<>();
        for (Path file : files) {
            Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, Files.readString(file));
            String name = file.getFileName().toString();
            if (name.startsWith("hospitalInformation")) {
                assertThat(types(bundle)).contains(ResourceType.Organization, ResourceType.Location);
            } else if (name.startsWith("practitionerInformation")) {
                assertThat(types(bundle)).contains(ResourceType.Practitioner, ResourceType.PractitionerRole);
            } else {
                patients.add(bundle);
            }
        }
        assertThat(patients).isNotEmpty().allSatisfy(bundle -> {
            assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
            assertThat(bundle.getEntryFirstRep().getResource().getResourceType()).isEqualTo(ResourceType.Patient);
        });
        assertThat(files).allMatch(f -> f.getFileName().toString().endsWith(".json"));
    }

    @Test
    void generatorShouldRefuseBadArgumentsWithOneLine() throws Exception {
        // when
        Run run = generator("--patients", "0", "--out", dir.toString());
        // then
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).startsWith("bbehr-synthea: --patients must be at least 1");
    }

    private static List<ResourceType> types(Bundle bundle) {
        return bundle.getEntry().stream().map(e -> e.getResource().getResourceType()).toList();
    }

    private record Run(int exitCode, String output) {}

    private Run generator(String... args) throws Exception {
        Path target = Path.of(System.getProperty("bbehr.synthea.dir"));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", target.resolve("bbehr-synthea.jar") + File.pathSeparator + target.resolve("lib") + "/*",
                "org.bbehr.synthea.SyntheaGenerator"));
        command.addAll(List.of(args));
        Path log = dir.resolve("generator.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the generator did not finish:\n" + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
