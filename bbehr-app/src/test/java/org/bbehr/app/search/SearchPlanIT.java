package org.bbehr.app.search;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.bbehr.app.fhir.RequestActors;
import org.bbehr.core.access.AccessPolicy;
import org.bbehr.core.access.Action;
import org.bbehr.core.access.Actor;
import org.bbehr.core.access.Decision;
import org.bbehr.core.access.NoOpAuditTrail;
import org.bbehr.core.access.RecordAccess;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.search.AccessClause;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.DatabaseRoles;
import org.bbehr.store.postgres.PostgresServer;
import org.bbehr.store.record.PostgresRecordStore;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plans PostgreSQL runs for a patient's chart, on a real embedded store filled with hospital-shaped data: patients
 * with 49 vital-sign Observations each over the same five LOINC codes, a few Conditions, MedicationRequests and
 * Encounters. Each search is parsed by the node's parser and run by the node's search code on one pooled connection,
 * more than ten times (past the JDBC driver's and PostgreSQL's thresholds for switching a statement to a generic plan);
 * {@code auto_explain} hands back the plan of every execution as it ran, and each must start from the patient's rows.
 * The statistics are taken in the middle of the load and left so, and most searched patients were written after them.
 */
class SearchPlanIT {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();
    static final String LOINC = "http://loinc.org";
    static final String[] VITAL_SIGNS = {"8867-4", "8480-6", "8462-4", "29463-7", "8310-5"};
    static final int PATIENTS = 900;
    /** Patients written before the statistics are taken: enough that the rest does not double any table. */
    static final int BEFORE_STATISTICS = 600;
    static final int EXECUTIONS = 12;
    static final String[] SEARCH_TABLES = {"resources", "search_token", "search_reference", "search_date",
        "search_string", "search_number", "search_uri", "search_blind"};

    static Path dataDir;
    static PostgresServer server;
    static HikariDataSource explainingPool;
    static PostgresRecordStore searchingStore;
    static RecordAccess door;
    static PlanCapture plans;
    static SearchIndexer indexer;
    static SearchParser parser;
    static final List<String> patients = new ArrayList<>();
    /** A practitioner who sees the records of most patients of the load, and nothing sensitive. */
    static final Actor PRACTITIONER = new Actor(Actor.Kind.USER, "dr-plan", Actor.Role.PRACTITIONER, Optional.of(1L),
            Optional.empty(), Purpose.TREATMENT, false);

    @BeforeAll
    static void loadHospitalShapedData() throws IOException, SQLException {
        dataDir = Files.createTempDirectory("bbehr-search-plan-it-");
        server = PostgresServer.start(PostgresServer.Options.in(dataDir));
        NodeKeys keys = NodeKeys.loadOrCreate(dataDir);
        HmacBlindIndex blindIndex = new HmacBlindIndex(new byte[32]);
        indexer = new SearchIndexer(CONTEXT, blindIndex);
        parser = new SearchParser(CONTEXT, new ProtectedFields(blindIndex), (system, value) -> List.of(), indexer);
        PostgresRecordStore writer = PostgresRecordStore.open(server.dataSource(), keys, Clock.systemUTC());
        // given: statistics taken mid-load, which neither autovacuum nor the node's own refresh replaces during the test
        execute("ALTER TABLE %s SET (autovacuum_enabled = off)");
        IParser json = CONTEXT.newJsonParser();
        for (int p = 0; p < PATIENTS; p++) {
            if (p == BEFORE_STATISTICS) {
                execute("ANALYZE %s");
            }
            writer.write(chart(p, json));
        }
        explainingPool = explainingPool(server.jdbcUrl(), passwords().superuser());
        plans = new PlanCapture(explainingPool);
        searchingStore = PostgresRecordStore.open(plans, keys, Clock.systemUTC());
        door = new RecordAccess(new RecordAccess.Parts(searchingStore, searchingStore, Optional.empty(), blindIndex,
                new PatientsOnly(), NoOpAuditTrail.INSTANCE));
    }

    @AfterAll
    static void stop() throws IOException {
        if (explainingPool != null) {
            explainingPool.close();
        }
        if (server != null) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /**
     * The searches a chart makes, as query strings with {@code {patient}} and {@code {code}} to fill in, each for the
     * node's allow-all actor and for a practitioner who sees only their patients' records (an access clause in the
     * query).
     */
    static Stream<org.junit.jupiter.params.provider.Arguments> chartSearches() {
        return Stream.of(
                "Observation?patient={patient}&code=http://loinc.org|{code}",
                "Observation?patient={patient}&category=vital-signs",
                "Observation?patient={patient}&code=http://loinc.org|{code}&date=ge2020-01-01&_sort=-date",
                "Condition?patient={patient}&clinical-status=active",
                "MedicationRequest?patient={patient}&status=active",
                "Encounter?patient={patient}&date=ge2020-01-01")
                .flatMap(search -> Stream.of(org.junit.jupiter.params.provider.Arguments.of(search, RequestActors.API),
                        org.junit.jupiter.params.provider.Arguments.of(search, PRACTITIONER)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("chartSearches")
    void chartSearchShouldStartFromThePatientsRowsOnEveryExecution(String search, Actor actor) {
        for (int i = 0; i < EXECUTIONS; i++) {
            // given: a patient written after the statistics were taken (every third one before)
            String patient = i % 3 == 0 ? patients.get(i * 7) : patients.get(BEFORE_STATISTICS + i * 11);
            String url = search.replace("{patient}", patient).replace("{code}", VITAL_SIGNS[i % VITAL_SIGNS.length]);

            // when
            plans.clear();
            List<ResourceKey> page = firstPage(url, actor);

            // then
            assertThat(page).as("matches of %s", url).isNotEmpty();
            assertThat(plans.captured()).as("plans of %s", url).hasSize(1);
            JsonNode plan = plans.captured().getFirst();
            JsonNode driver = drivingScan(plan.get("Plan"));
            assertThat(driver.path("Relation Name").asText() + " by " + driver.path("Index Name").asText())
                    .as("execution %d of %s starts from: %s", i + 1, url, plan.toPrettyString())
                    .isEqualTo("search_reference by search_reference_by_target");
        }
    }

    @org.junit.jupiter.api.Test
    void searchesShouldBePlannedForTheirValuesWhileReadsKeepTheirGenericPlans() throws SQLException {
        // given: the connection has run a chart search and a read by id more than ten times each
        for (int i = 0; i < EXECUTIONS; i++) {
            firstPage("Observation?patient=" + patients.get(i) + "&code=http://loinc.org|" + VITAL_SIGNS[i % 5]);
            assertThat(searchingStore.findCurrent(new ResourceKey("Patient", patients.get(i)))).isPresent();
        }

        // when
        Map<String, Long> genericPlans = new LinkedHashMap<>();
        try (Connection connection = explainingPool.getConnection();
                Statement statement = connection.createStatement();
                java.sql.ResultSet rows = statement.executeQuery(
                        "SELECT statement, generic_plans FROM pg_prepared_statements")) {
            while (rows.next()) {
                genericPlans.put(rows.getString(1), rows.getLong(2));
            }
        }

        // then: no search statement is prepared on the server; the read by id is, and runs its generic plan
        assertThat(genericPlans.keySet()).noneMatch(sql -> sql.contains("search_"));
        assertThat(genericPlans).anySatisfy((sql, generic) -> {
            assertThat(sql).contains("FROM resources").doesNotContain("search_");
            assertThat(generic).isPositive();
        });
    }

    /** Runs {@code url} as the node's search request does for its first page of 20, as the node's API actor. */
    static List<ResourceKey> firstPage(String url) {
        return firstPage(url, RequestActors.API);
    }

    /** Runs {@code url} as {@code actor}'s search request, through the door, for its first page of 20. */
    static List<ResourceKey> firstPage(String url, Actor actor) {
        int question = url.indexOf('?');
        String type = url.substring(0, question);
        Map<String, String[]> parameters = new LinkedHashMap<>();
        for (String pair : url.substring(question + 1).split("&")) {
            int equals = pair.indexOf('=');
            parameters.merge(pair.substring(0, equals), new String[] {pair.substring(equals + 1)}, (a, b) ->
                    Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new));
        }
        ParsedSearch parsed = parser.parse(type, parameters, true, u -> null);
        List<ResourceKey> read = new ArrayList<>();
        SearchResults results = new SearchResults(parsed, Instant.now(), null, keys -> {
            read.addAll(keys);
            return List.<IBaseResource>of();
        }, door, actor, indexer);
        results.getResources(0, 20);
        return read;
    }

    /**
     * The scan a plan starts from: down its outer (first) inputs, past the sub-plans that compute sort values, to the
     * first scan of a table.
     */
    static JsonNode drivingScan(JsonNode node) {
        JsonNode inputs = node.path("Plans");
        for (JsonNode input : inputs) {
            String relationship = input.path("Parent Relationship").asText();
            if (!relationship.equals("SubPlan") && !relationship.equals("InitPlan")) {
                return drivingScan(input);
            }
        }
        return node;
    }

    /** A pool of one connection on which every statement's plan is sent back to the client as a notice. */
    static HikariDataSource explainingPool(String jdbcUrl, String superuserPassword) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        // (loading auto_explain takes the superuser; the plans are the node's: no policy of the database tells them
        // apart)
        config.setUsername(DatabaseRoles.SUPERUSER);
        config.setPassword(superuserPassword);
        config.setMaximumPoolSize(1);
        config.setConnectionInitSql("LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0;"
                + " SET auto_explain.log_format = 'json'; SET auto_explain.log_level = 'notice'");
        return new HikariDataSource(config);
    }

    static DatabaseRoles.Passwords passwords() {
        return DatabaseRoles.load(PostgresServer.passwordFile(dataDir));
    }

    /** As the tables' owner, as a database administrator would. */
    static void execute(String perTable) throws SQLException {
        try (Connection connection = server.dataSourceAs(passwords().owner()).getConnection();
                Statement statement = connection.createStatement()) {
            for (String table : SEARCH_TABLES) {
                statement.execute(perTable.formatted(table));
            }
        }
    }

    /** Patient {@code p}'s chart, as one write: demographics, 49 vital signs, conditions, medications, encounters. */
    static List<ResourceWrite> chart(int p, IParser json) {
        List<IBaseResource> resources = new ArrayList<>();
        Patient patient = new Patient();
        patient.setId(UUID.randomUUID().toString());
        patient.addName(new HumanName().setFamily("Synthetic" + p).addGiven("Plan"));
        patient.setGender(p % 2 == 0 ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
        patients.add(patient.getIdPart());
        resources.add(patient);
        Reference subject = new Reference("Patient/" + patient.getIdPart());
        Set<String> compartment = Set.of(patient.getIdPart());
        for (int i = 0; i < 49; i++) {
            Observation vital = new Observation();
            vital.setStatus(Observation.ObservationStatus.FINAL);
            vital.addCategory(new CodeableConcept(new Coding(
                    "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")));
            vital.setCode(new CodeableConcept(new Coding(LOINC, VITAL_SIGNS[i % VITAL_SIGNS.length], null)));
            vital.setSubject(subject);
            vital.setEffective(new DateTimeType("20" + (15 + i % 10) + "-0" + (1 + i % 9) + "-1" + (i % 10)
                    + "T10:00:00Z"));
            vital.setValue(new Quantity().setValue(60 + i).setUnit("/min").setSystem("http://unitsofmeasure.org"));
            resources.add(vital);
        }
        for (int i = 0; i < 3; i++) {
            Condition condition = new Condition();
            condition.setClinicalStatus(new CodeableConcept(new Coding(
                    "http://terminology.hl7.org/CodeSystem/condition-clinical", i == 0 ? "resolved" : "active", null)));
            condition.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "4464400" + i, null)));
            condition.setSubject(subject);
            resources.add(condition);
            MedicationRequest medication = new MedicationRequest();
            medication.setStatus(i == 0 ? MedicationRequest.MedicationRequestStatus.STOPPED
                    : MedicationRequest.MedicationRequestStatus.ACTIVE);
            medication.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
            medication.setMedication(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm",
                    "31463" + i, null)));
            medication.setSubject(subject);
            resources.add(medication);
            Encounter encounter = new Encounter();
            encounter.setStatus(Encounter.EncounterStatus.FINISHED);
            encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null));
            encounter.setSubject(subject);
            encounter.setPeriod(new Period().setStartElement(new DateTimeType("202" + i + "-03-0" + (1 + i)
                    + "T09:00:00Z")).setEndElement(new DateTimeType("202" + i + "-03-0" + (1 + i) + "T10:00:00Z")));
            resources.add(encounter);
        }
        List<ResourceWrite> writes = new ArrayList<>();
        for (IBaseResource resource : resources) {
            if (resource.getIdElement().isEmpty()) {
                resource.setId(UUID.randomUUID().toString());
            }
            String type = CONTEXT.getResourceType(resource);
            Category category = switch (type) {
                case "Patient" -> Category.DEMOGRAPHICS;
                case "Observation" -> Category.VITAL_SIGNS;
                case "Condition" -> Category.CONDITIONS;
                case "MedicationRequest" -> Category.MEDICATIONS;
                default -> Category.ENCOUNTERS;
            };
            writes.add(new ResourceWrite.Put(new ResourceKey(type, resource.getIdElement().getIdPart()),
                    OptionalLong.empty(), json.encodeResourceToString(resource).getBytes(UTF_8),
                    new IndexEntries(Set.of(), Set.of(), indexer.extract(resource)),
                    new AccessLabels(compartment, category)));
        }
        return writes;
    }

    /**
     * A scripted policy: the node's actor sees everything; anyone else sees the records of every patient but every
     * tenth, nothing sensitive, and what is in no patient's compartment.
     */
    static final class PatientsOnly implements AccessPolicy {

        private AccessClause clause() {
            Set<String> visible = new java.util.HashSet<>();
            for (int p = 0; p < patients.size(); p++) {
                if (p % 10 != 9) {
                    visible.add(patients.get(p));
                }
            }
            return new AccessClause(visible, true, java.util.EnumSet.complementOf(java.util.EnumSet.of(
                    Category.SENSITIVE)));
        }

        @Override
        public Decision onType(Actor actor, Action action, String type) {
            return Decision.ALLOW;
        }

        @Override
        public Decision onRecord(Actor actor, Action action, ResourceKey key, AccessLabels labels) {
            return actor.isSystem() || clause().admits(labels) ? Decision.ALLOW : Decision.HIDE;
        }

        @Override
        public Optional<AccessClause> searchClause(Actor actor, String type) {
            return actor.isSystem() ? Optional.empty() : Optional.of(clause());
        }

        @Override
        public boolean seesEverything(Actor actor) {
            return actor.isSystem();
        }
    }

    /**
     * A data source on {@code pool} that keeps the plans that PostgreSQL sent as notices while the store's statements
     * ran, read from each statement before it is closed.
     */
    static final class PlanCapture extends DelegatingDataSource {

        private static final ObjectMapper MAPPER = new ObjectMapper();
        private final List<JsonNode> captured = new ArrayList<>();

        PlanCapture(javax.sql.DataSource pool) {
            super(pool);
        }

        synchronized void clear() {
            captured.clear();
        }

        synchronized List<JsonNode> captured() {
            return List.copyOf(captured);
        }

        @Override
        protected synchronized void noticed(String message) {
            int json = message.indexOf('{');
            if (message.contains("plan:") && json >= 0) {
                try {
                    captured.add(MAPPER.readTree(message.substring(json)));
                } catch (IOException e) {
                    throw new IllegalStateException("not a JSON plan: " + message, e);
                }
            }
        }
    }
}
