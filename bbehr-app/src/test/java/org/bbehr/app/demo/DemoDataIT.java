package org.bbehr.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.bbehr.app.importer.FhirImport;
import org.bbehr.app.importer.ImportSummary;
import org.bbehr.app.node.NodeApplication;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The demo data's first load, interrupted, resumed on the next start against a running node. */
@SpringBootTest(classes = NodeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bbehr.store.mode=embedded", "bbehr.data-dir=target/it-data/${random.uuid}"})
class DemoDataIT {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();
    static final String SYNTHEA = "https://github.com/synthetichealth/synthea";
    static final String HOSPITAL = "hospitalInformation1767225600000.json";
    static final String PRACTITIONER = "practitionerInformation1767225600000.json";

    @LocalServerPort
    int port;

    @TempDir
    Path cacheDir;

    @TempDir
    Path dataDir;

    @Test
    void anInterruptedFirstLoadShouldResumeWithoutLoadingAPatientTwice() throws Exception {
        // given: generated demo data of three patients in the cache
        Path bundles = Files.createDirectories(cacheDir.resolve("synthea-p3-s7").resolve("fhir"));
        for (String info : List.of(HOSPITAL, PRACTITIONER)) {
            Files.copy(fixture(info), bundles.resolve(info));
        }
        String patient = Files.readString(fixture("0b7c5a36-0000-4000-8000-00000000d001.json"));
        for (String p : List.of("a", "b", "c")) {
            Files.writeString(bundles.resolve(id(p) + ".json"), patient.replace("00000000d0", "0000000" + p + "d0"));
        }
        // and a first load that stopped with patient a loaded, b sent without its answer recorded, c not sent
        for (String loaded : List.of(HOSPITAL, PRACTITIONER, id("a") + ".json", id("b") + ".json")) {
            new FhirImport(new FhirImport.Options(base(), 1)).run(bundles.resolve(loaded), new ImportSummary(),
                    new PrintWriter(new StringWriter()), false);
        }
        Files.writeString(dataDir.resolve(DemoData.JOURNAL), String.join("\n",
                "sending " + HOSPITAL, "loaded " + HOSPITAL + " 2 0",
                "sending " + PRACTITIONER, "loaded " + PRACTITIONER + " 1 0",
                "sending " + id("a") + ".json", "loaded " + id("a") + ".json 4 1",
                "sending " + id("b") + ".json") + "\n", StandardCharsets.UTF_8);
        Files.writeString(dataDir.resolve(DemoData.MARKER), "state=importing\nseed=7\n");
        StringWriter out = new StringWriter();
        // when: the next start
        String line = new DemoData(dataDir, new DemoData.Options(3, 7, cacheDir))
                .loadIfPending(base(), new PrintWriter(out), new PrintWriter(new StringWriter()));
        // then: every patient once, with the encounter of its bundle once
        IGenericClient client = client();
        for (String p : List.of("a", "b", "c")) {
            Bundle found = client.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly()
                    .systemAndCode(SYNTHEA, id(p))).returnBundle(Bundle.class).execute();
            assertThat(found.getEntry()).as("patient " + p).hasSize(1);
            assertThat(client.search().forResource(Encounter.class).where(Encounter.PATIENT.hasId(
                    found.getEntryFirstRep().getResource().getIdElement().getIdPart())).summaryMode(SummaryEnum.COUNT)
                    .returnBundle(Bundle.class).execute().getTotal()).as("encounters of " + p).isEqualTo(1);
        }
        assertThat(out.toString()).contains("resuming the interrupted first load (3 files loaded before)");
        assertThat(line).startsWith("3 patients");
        Properties marker = new Properties();
        try (var reader = Files.newBufferedReader(dataDir.resolve(DemoData.MARKER))) {
            marker.load(reader);
        }
        assertThat(marker.getProperty("state")).isEqualTo("loaded");
        // and a later start loads nothing
        assertThat(new DemoData(dataDir, new DemoData.Options(3, 7, cacheDir))
                .loadIfPending(base(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())))
                .endsWith("(loaded on first start)");
    }

    private static String id(String patient) {
        return "0b7c5a36-0000-4000-8000-0000000" + patient + "d001";
    }

    private IGenericClient client() {
        CONTEXT.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        return CONTEXT.newRestfulGenericClient(base());
    }

    private String base() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(DemoDataIT.class.getResource("/import/synthea-shaped/" + name).toURI());
    }
}
