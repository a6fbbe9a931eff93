package org.bbehr.app.search;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bbehr.app.node.NodeApplication;
import org.bbehr.app.node.NodeProperties;
import org.bbehr.store.postgres.Database;
import org.bbehr.store.postgres.DatabaseRoles;
import org.bbehr.store.postgres.PostgresServer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Search without plaintext: after patients with known names, identifiers, birth dates, phone numbers and cities are
 * written and searched by each of these, none of the values is in any file of the database (tables, indexes, WAL), in
 * a dump of every table, or in the node's log (at DEBUG for the node's own classes).
 */
@SpringBootTest(classes = NodeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bbehr.store.mode=embedded", "bbehr.data-dir=target/it-data/${random.uuid}",
            "logging.level.org.bbehr=DEBUG"})
@ExtendWith(OutputCaptureExtension.class)
class SearchPrivacyIT {

    /** Synthetic values, each unusual enough that finding it anywhere can only be a leak. */
    static final List<String> SECRETS = List.of("Quillfeather", "Thaddeus", "MRN-PRIV-73914", "1953-07-19",
            "555-0199-7731", "Vexbridge");

    @LocalServerPort
    int port;

    @Autowired
    Database database;

    @Autowired
    NodeProperties properties;

    @Test
    void protectedValuesShouldBeInNoDatabaseFileDumpWalOrLogEvenAfterSearchesByThem(CapturedOutput output)
            throws Exception {
        // given
        FhirContext context = FhirContext.forR4Cached();
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient client = context.newRestfulGenericClient("http://127.0.0.1:" + port + "/fhir");
        String id = client.create().resource(thaddeus()).execute().getId().getIdPart();
        Patient other = thaddeus();
        other.getNameFirstRep().getGiven().clear();
        other.getNameFirstRep().addGiven("Synthetic");
        other.getIdentifierFirstRep().setValue("MRN-OTHER-1");
        client.create().resource(other).execute();

        // when
        List<String> queries = List.of("Patient?name=quillf", "Patient?family=Quillfeather&given=thadd",
                "Patient?identifier=urn:oid:2.16.840.1.113883.19.5|MRN-PRIV-73914", "Patient?birthdate=1953-07-19",
                "Patient?phone=555-0199-7731", "Patient?address-city=Vexbridge", "Patient?name=Thaddeus&_count=1");
        for (String query : queries) {
            Bundle found = client.search().byUrl(query).returnBundle(Bundle.class).execute();
            assertThat(found.getEntry()).as(query).extracting(e -> e.getResource().getIdElement().getIdPart())
                    .contains(id);
        }
        checkpoint();

        // then
        Path postgres = properties.dataDir().resolve("postgres");
        String dump = dumpOfEveryTable();
        assertThat(dump).contains(id);
        assertThat(filesContaining(postgres, id)).as("the patient's id is in the files, its values are not")
                .isNotEmpty();
        try (Stream<Path> wal = Files.list(postgres.resolve("pg_wal"))) {
            assertThat(wal.filter(Files::isRegularFile).count()).isPositive();
        }
        for (String secret : SECRETS) {
            assertThat(filesContaining(postgres, secret)).as(secret).isEmpty();
            assertThat(dump).as(secret).doesNotContainIgnoringCase(secret);
            assertThat(output.getAll()).as(secret).doesNotContainIgnoringCase(secret);
        }
    }

    static Patient thaddeus() {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem("urn:oid:2.16.840.1.113883.19.5").setValue("MRN-PRIV-73914");
        patient.addName().setFamily("Quillfeather").addGiven("Thaddeus");
        patient.setBirthDateElement(new DateType("1953-07-19"));
        patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-0199-7731");
        patient.addAddress().setCity("Vexbridge");
        return patient;
    }

    /** The database's superuser, as whoever dumps or backs it up (the node's role may do neither). */
    private javax.sql.DataSource superuser() {
        return ((PostgresServer) database).dataSourceAs(
                DatabaseRoles.load(PostgresServer.passwordFile(properties.dataDir())).superuserLogin());
    }

    private void checkpoint() throws Exception {
        try (Connection connection = superuser().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        }
    }

    /** What {@code pg_dump --data-only} holds: every row of every table, as COPY writes it. */
    private String dumpOfEveryTable() throws Exception {
        StringWriter dump = new StringWriter();
        try (Connection connection = superuser().getConnection();
                Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet names = statement.executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            assertThat(tables).contains("versions", "search_blind", "search_token", "identifier_tokens");
            var copy = connection.unwrap(PGConnection.class).getCopyAPI();
            for (String table : tables) {
                copy.copyOut("COPY \"" + table + "\" TO STDOUT", dump);
            }
        }
        return dump.toString();
    }

    private static List<Path> filesContaining(Path directory, String text) throws IOException {
        byte[] needle = text.getBytes(UTF_8);
        byte[] lower = text.toLowerCase().getBytes(UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                if (contains(bytes, needle) || contains(bytes, lower)) {
                    found.add(file);
                }
            }
        }
        return found;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
