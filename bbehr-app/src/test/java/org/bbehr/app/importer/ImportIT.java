package org.bbehr.app.importer;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.app.cli.BbehrCli;
import org.bbehr.app.node.NodeApplication;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import picocli.CommandLine;

/**
 * {@code bbehr import} against a running node on its encrypted PostgreSQL store: Synthea-shaped Bundles (hospital and
 * practitioner information, a patient with {@code urn:uuid:} and conditional references) and a Bundle with a bad
 * entry.
 */
@SpringBootTest(classes = NodeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bbehr.store.mode=embedded", "bbehr.data-dir=target/it-data/${random.uuid}"})
class ImportIT {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    IGenericClient client;

    @BeforeEach
    void connect() {
        CONTEXT.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CONTEXT.newRestfulGenericClient(base());
    }

    @Test
    void importShouldLoadASyntheaFolderWithItsInformationBundlesFirst() throws Exception {
        // when
        Run run = run("import", fixture("synthea-shaped").toString(), "--fhir-url", base());
        // then
        assertThat(run.exit()).as(run.err()).isZero();
        for (String type : new String[] {"Patient", "Encounter", "Condition", "Observation", "PractitionerRole"}) {
            assertThat(run.row(type)).as(type).containsExactly(1, 0, 0, 0);
        }
        for (String type : new String[] {"Organization", "Location", "Practitioner"}) {
            assertThat(run.row(type)[0] + run.row(type)[2]).as(type + " created or already there").isEqualTo(1);
        }
        assertThat(run.out()).contains("Not imported, not FHIR Bundles (1):", "README.txt");
        assertThat(run.err()).contains("importing: 100%  3/3 files");
        Encounter encounter = newest(Encounter.class);
        Practitioner practitioner = client.read().resource(Practitioner.class)
                .withUrl(encounter.getParticipantFirstRep().getIndividual().getReference()).execute();
        assertThat(practitioner.getIdentifierFirstRep().getValue()).isEqualTo("9999999911");
        Organization organization = client.read().resource(Organization.class)
                .withUrl(encounter.getServiceProvider().getReference()).execute();
        assertThat(organization.getName()).isEqualTo("ST MARY'S SYNTHETIC HOSPITAL");
        Location location = client.read().resource(Location.class)
                .withUrl(encounter.getLocationFirstRep().getLocation().getReference()).execute();
        assertThat(location.getIdentifierFirstRep().getValue()).isEqualTo("0b7c5a36-0000-4000-8000-00000000b001");
        assertThat(encounter.getSubject().getReference()).startsWith("Patient/");
    }

    @Test
    void importAgainShouldFindTheInformationBundlesAlreadyThere() throws Exception {
        // given
        run("import", fixture("synthea-shaped").toString(), "--fhir-url", base());
        // when
        Run again = run("import", fixture("synthea-shaped").toString(), "--fhir-url", base());
        // then
        assertThat(again.exit()).isZero();
        assertThat(again.row("Organization")).containsExactly(0, 0, 1, 0);
        assertThat(again.row("Location")).containsExactly(0, 0, 1, 0);
        assertThat(again.row("Practitioner")).containsExactly(0, 0, 1, 0);
        assertThat(again.row("Patient")).containsExactly(1, 0, 0, 0);
    }

    @Test
    void importShouldReportRejectedEntriesAndLoadTheOthers() throws Exception {
        // when
        Run run = run("import", fixture("bad-entry").toString(), "--fhir-url", base());
        // then
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("bbehr: EHR-7003 2 rejected (listed above); everything else was loaded");
        assertThat(run.row("Patient")).containsExactly(1, 0, 0, 0);
        assertThat(run.row("Observation")).containsExactly(1, 0, 0, 1);
        assertThat(run.row("DiagnosticReport")).containsExactly(0, 0, 0, 1);
        assertThat(run.out()).contains("Rejected (2):")
                .containsPattern("entry 3 \\(Observation urn:uuid:0b7c5a36-0000-4000-8000-00000000e003\\): HTTP 4\\d\\d: "
                        + ".*not-a-status")
                .contains("entry 4 (DiagnosticReport urn:uuid:0b7c5a36-0000-4000-8000-00000000e004): refers to "
                        + "urn:uuid:0b7c5a36-0000-4000-8000-00000000e003, an entry of this Bundle that was rejected");
        assertThat(run.out()).contains("Bundles refused as a whole and sent again entry by entry");
    }

    @Test
    void importShouldRejectFilesThatAreNotBundles() throws Exception {
        // given
        Files.writeString(dir.resolve("a-patient.json"), "{\"resourceType\":\"Patient\",\"gender\":\"female\"}");
        Files.writeString(dir.resolve("broken.json"), "{\"resourceType\":\"Bundle\",\"type\":");
        Files.writeString(dir.resolve("a-document.json"), "{\"resourceType\":\"Bundle\",\"type\":\"document\"}");
        // when
        Run run = run("import", dir.toString(), "--fhir-url", base());
        // then
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("a-patient.json: is not a FHIR Bundle (it is a Patient)",
                "broken.json: is not valid JSON", "a-document.json: is a Bundle of type 'document'");
        assertThat(run.err()).contains("EHR-7003 3 rejected");
    }

    @Test
    void importShouldFailWithOneLineWhenTheServerCannotBeReached() throws Exception {
        // when
        Run run = run("import", fixture("synthea-shaped").toString(), "--fhir-url", "http://127.0.0.1:1/fhir");
        // then
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines().filter(l -> l.startsWith("bbehr:")).toList())
                .singleElement().asString().startsWith("bbehr: EHR-7002 cannot reach the FHIR server at "
                        + "http://127.0.0.1:1/fhir");
    }

    @Test
    void importOfAMissingPathShouldFailWithOneLine() {
        // when
        Run run = run("import", dir.resolve("nowhere").toString(), "--fhir-url", base());
        // then
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("bbehr: EHR-7001 no such file or folder").doesNotContain("\n");
    }

    private <T extends org.hl7.fhir.r4.model.Resource> T newest(Class<T> type) {
        Bundle history = client.history().onType(type).returnBundle(Bundle.class).count(1).execute();
        return type.cast(history.getEntryFirstRep().getResource());
    }

    private String base() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ImportIT.class.getResource("/import/" + name).toURI());
    }

    /** One run of the command line, in this JVM. */
    private record Run(int exit, String out, String err) {

        /** The summary's row of {@code type}: created, updated, already there, rejected. */
        long[] row(String type) {
            Matcher row = Pattern.compile("(?m)^  " + type + " +([\\d,]+) +([\\d,]+) +([\\d,]+) +([\\d,]+)$")
                    .matcher(out);
            if (!row.find()) {
                throw new AssertionError("no row for " + type + " in:\n" + out + err);
            }
            return Arrays.stream(new String[] {row.group(1), row.group(2), row.group(3), row.group(4)})
                    .mapToLong(n -> Long.parseLong(n.replace(",", ""))).toArray();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = BbehrCli.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
