package org.bbehr.store.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bbehr.core.consent.Category;
import org.bbehr.core.record.AccessLabels;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The migration that gives versions written before access labels existed their labels, on a store written at schema
 * version 7 (rows as that schema held them), then migrated.
 */
class AccessLabelsMigrationIT {

    @RegisterExtension
    static final EmbeddedStore STORE = new EmbeddedStore();

    @Test
    void migrationShouldLabelEveryVersionFromItsResourcesCurrentIndexRows() throws SQLException {
        // given: a database at schema version 7 with a patient's records
        String url = STORE.server().jdbcUrl().replace("/bbehr", "/before_labels");
        try (Connection admin = STORE.superuser().getConnection(); Statement create = admin.createStatement()) {
            create.execute("DROP DATABASE IF EXISTS before_labels");
            create.execute("CREATE DATABASE before_labels");
        }
        Flyway.configure().dataSource(url, "postgres", superuserPassword()).locations("classpath:db/migration").target("7").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, "postgres", superuserPassword())) {
            resource(c, "Patient", "alice", 2);
            resource(c, "Observation", "hr", 2);
            reference(c, "Observation", "hr", "subject", "Patient", "alice");
            token(c, "Observation", "hr", "category", "http://terminology.hl7.org/CodeSystem/observation-category",
                    "vital-signs");
            resource(c, "Observation", "lab", 1);
            reference(c, "Observation", "lab", "subject", "Patient", "alice");
            reference(c, "Observation", "lab", "performer", "Patient", "bob");
            reference(c, "Observation", "lab", "specimen", "Specimen", "s1");
            resource(c, "Condition", "hiv", 1);
            reference(c, "Condition", "hiv", "subject", "Patient", "alice");
            token(c, "Condition", "hiv", "_security", "http://terminology.hl7.org/CodeSystem/v3-ActCode", "HIV");
            resource(c, "Encounter", "visit", 1);
            reference(c, "Encounter", "visit", "subject", "Patient", "alice");
            reference(c, "Encounter", "visit", "participant", "Practitioner", "pr1");
            resource(c, "Organization", "ward", 1);
        }

        // when
        Flyway.configure().dataSource(url, "postgres", superuserPassword()).locations("classpath:db/migration").load().migrate();

        // then
        try (Connection c = DriverManager.getConnection(url, "postgres", superuserPassword())) {
            assertThat(labels(c, "versions")).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                    "Condition/hiv/1", new AccessLabels(Set.of("alice"), Category.SENSITIVE),
                    "Encounter/visit/1", new AccessLabels(Set.of("alice"), Category.ENCOUNTERS),
                    "Observation/hr/1", new AccessLabels(Set.of("alice"), Category.VITAL_SIGNS),
                    "Observation/hr/2", new AccessLabels(Set.of("alice"), Category.VITAL_SIGNS),
                    "Observation/lab/1", new AccessLabels(Set.of("alice", "bob"), Category.LABORATORY),
                    "Organization/ward/1", new AccessLabels(Set.of(), Category.OTHER),
                    "Patient/alice/1", new AccessLabels(Set.of("alice"), Category.DEMOGRAPHICS),
                    "Patient/alice/2", new AccessLabels(Set.of("alice"), Category.DEMOGRAPHICS))));
            assertThat(labels(c, "resources")).containsEntry("Observation/lab",
                    new AccessLabels(Set.of("alice", "bob"), Category.LABORATORY));
        }
    }

    private static Map<String, AccessLabels> labels(Connection c, String table) throws SQLException {
        boolean versions = table.equals("versions");
        Map<String, AccessLabels> labels = new TreeMap<>();
        try (Statement select = c.createStatement(); ResultSet rows = select.executeQuery("SELECT type, id, "
                + (versions ? "version" : "0") + ", compartment, category FROM " + table)) {
            while (rows.next()) {
                labels.put(rows.getString(1) + "/" + rows.getString(2) + (versions ? "/" + rows.getLong(3) : ""),
                        Labels.read(rows, 4));
            }
        }
        return labels;
    }

    private static void resource(Connection c, String type, String id, int versions) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO resources (type, id, current_version, deleted,"
                + " last_updated) VALUES (?, ?, ?, false, now())")) {
            insert.setString(1, type);
            insert.setString(2, id);
            insert.setLong(3, versions);
            insert.executeUpdate();
        }
        for (int v = 1; v <= versions; v++) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO versions (type, id, version, last_updated,"
                    + " deleted, ciphertext) VALUES (?, ?, ?, now(), false, '\\x00')")) {
                insert.setString(1, type);
                insert.setString(2, id);
                insert.setLong(3, v);
                insert.executeUpdate();
            }
        }
    }

    private static void reference(Connection c, String type, String id, String param, String targetType,
            String targetId) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO search_reference (type, id, param, target_type,"
                + " target_id, url) VALUES (?, ?, ?, ?, ?, '')")) {
            insert.setString(1, type);
            insert.setString(2, id);
            insert.setString(3, param);
            insert.setString(4, targetType);
            insert.setString(5, targetId);
            insert.executeUpdate();
        }
    }

    private static void token(Connection c, String type, String id, String param, String system, String code)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO search_token (type, id, param, system, code)"
                + " VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, type);
            insert.setString(2, id);
            insert.setString(3, param);
            insert.setString(4, system);
            insert.setString(5, code);
            insert.executeUpdate();
        }
    }

    private static String superuserPassword() {
        return org.bbehr.store.postgres.DatabaseRoles.load(
                org.bbehr.store.postgres.PostgresServer.passwordFile(STORE.dataDir())).superuser();
    }
}
