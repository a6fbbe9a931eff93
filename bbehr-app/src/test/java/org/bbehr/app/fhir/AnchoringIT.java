package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.bbehr.app.node.NodeApplication;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.record.MerkleTree;
import org.bbehr.core.record.RecordLeaf;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.Web3jLedger;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.bbehr.store.postgres.Database;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Anchoring and {@code $verify} through the FHIR API, on the embedded store and a real dev chain: versions get their
 * anchor in {@code meta}, verify, and every kind of tampering in the database is named version by version.
 */
@SpringBootTest(classes = NodeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bbehr.store.mode=embedded", "bbehr.data-dir=target/it-data/${random.uuid}",
                "bbehr.anchoring.max-delay=200ms", "bbehr.anchoring.recheck-interval=500ms"})
class AnchoringIT {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();
    static final int NODE_ACCOUNT = 3;
    static final int OTHER_HOSPITAL_ACCOUNT = 4;
    static DevChain chain;
    static int hospitalId;

    @DynamicPropertySource
    static void chain(DynamicPropertyRegistry registry) throws Exception {
        chain = DevChain.start(DevChain.Options.in(java.nio.file.Files.createTempDirectory("anchoring-it-chain")));
        hospitalId = register(NODE_ACCOUNT, "Anchoring IT Hospital");
        registry.add("bbehr.chain.rpc-url", chain::rpcUrl);
        registry.add("bbehr.chain.deployment-file", () -> chain.deploymentFile().toString());
        registry.add("bbehr.chain.dev-account", () -> NODE_ACCOUNT);
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    static int register(int account, String name) {
        try (Web3jLedger admin = ledgerOf(DevAccounts.admin())) {
            return admin.administer(new LedgerCall.RegisterHospital(Address.of(DevAccounts.account(account)
                    .getAddress()), name, "https://example.org/fhir")).event(LedgerEvent.HospitalRegistered.class)
                    .hospitalId();
        }
    }

    static Web3jLedger ledgerOf(org.web3j.crypto.Credentials key) {
        return Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), key, chain.deployment());
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    Database database;

    @Autowired
    RecordStore store;

    IGenericClient client;

    @BeforeEach
    void connect() {
        CONTEXT.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CONTEXT.newRestfulGenericClient("http://127.0.0.1:" + port + "/fhir");
    }

    @Test
    void aWrittenVersionShouldShowItsAnchorInMetaAndVerifyWithItsPatientsCompartment() throws Exception {
        // given
        IdType patient = create(Fixtures.alicePatient());
        IdType observation = create(observationOf(patient, "8867-4"));
        // when
        Patient read = awaitAnchored(Patient.class, patient);
        Parameters compartment = verify(patient);
        // then
        Extension anchor = read.getMeta().getExtensionByUrl(AnchorMeta.URL);
        assertThat(anchor.getExtensionString("status")).isEqualTo("anchored");
        assertThat(anchor.getExtensionString("transaction")).startsWith("0x").hasSize(66);
        assertThat(anchor.getExtensionString("root")).startsWith("0x").hasSize(66);
        assertThat(Long.parseLong(anchor.getExtensionString("block"))).isPositive();
        Resource inHistory = client.history().onInstance(patient.toVersionless()).returnBundle(
                org.hl7.fhir.r4.model.Bundle.class).execute().getEntryFirstRep().getResource();
        assertThat(inHistory.getMeta().getExtensionByUrl(AnchorMeta.URL)).isNotNull().satisfies(inPage -> {
            assertThat(inPage.getExtensionString("status")).isEqualTo("anchored");
            assertThat(inPage.getExtensionString("root")).isEqualTo(anchor.getExtensionString("root"));
        });
        assertThat(statuses(compartment)).containsEntry(patient.getValue() + "/_history/1", "verified")
                .containsEntry(observation.getValue() + "/_history/1", "verified");
        assertThat(compartment.getParameterValue("verified").primitiveValue()).isEqualTo("2");
        assertThat(health()).contains("\"anchoring\":{\"status\":\"UP\"", "\"hospitalId\":" + hospitalId,
                "lastAnchoredAt");
    }

    private String health() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/health")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void proofShouldLetAThirdPartyVerifyAVersionOnChainAlone() throws Exception {
        // given
        IdType observation = create(observationOf(create(Fixtures.alicePatient()), "8310-5"));
        awaitAnchored(Observation.class, observation);
        Parameters proof = client.operation().onInstance(observation).named("$proof")
                .withParameter(Parameters.class, "version", new org.hl7.fhir.r4.model.IntegerType(1)).useHttpGet()
                .execute();
        // when: someone with only these parameters and the chain checks it (docs/verify.md, web3j)
        byte[] content = ((org.hl7.fhir.r4.model.Base64BinaryType) proof.getParameterValue("content")).getValue();
        byte[] contentHash = org.web3j.crypto.Hash.sha3(concat(hex(string(proof, "salt")), content));
        List<org.web3j.abi.datatypes.generated.Bytes32> siblings = proof.getParameter().stream()
                .filter(p -> p.getName().equals("proof"))
                .map(p -> new org.web3j.abi.datatypes.generated.Bytes32(hex(p.getValue().primitiveValue()))).toList();
        java.util.function.LongFunction<org.web3j.abi.datatypes.Function> verifyUnder = hospital ->
                new org.web3j.abi.datatypes.Function("verifyRecord", List.of(
                new org.web3j.abi.datatypes.generated.Uint32(hospital),
                new org.web3j.abi.datatypes.generated.Bytes32(hex(string(proof, "root"))),
                new org.web3j.abi.datatypes.DynamicArray<>(org.web3j.abi.datatypes.generated.Bytes32.class, siblings),
                new org.web3j.abi.datatypes.Utf8String(string(proof, "type")),
                new org.web3j.abi.datatypes.Utf8String(string(proof, "id")),
                new org.web3j.abi.datatypes.generated.Uint64(Long.parseLong(string(proof, "version"))),
                new org.web3j.abi.datatypes.generated.Bytes32(contentHash)),
                List.of(new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.generated.Uint40>() { }));
        var web3j = org.web3j.protocol.Web3j.build(new org.web3j.protocol.http.HttpService(chain.rpcUrl()));
        java.util.function.LongFunction<org.web3j.protocol.core.methods.response.EthCall> call = hospital -> {
            try {
                return web3j.ethCall(org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(null,
                        chain.deployment().recordAnchor().value(),
                        org.web3j.abi.FunctionEncoder.encode(verifyUnder.apply(hospital))),
                        org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        var result = call.apply(Long.parseLong(string(proof, "hospitalId")));
        // then: verified under this node's hospital (with the time it anchored), and under no other
        assertThat(string(proof, "kind")).isEqualTo("record-version");
        assertThat(result.isReverted()).as(String.valueOf(result.getRevertReason())).isFalse();
        assertThat(new java.math.BigInteger(result.getValue().substring(2, 66), 16).longValue()).isPositive();
        assertThat(call.apply(hospitalId + 1L).isReverted()).isTrue();
        assertThat(string(proof, "content")).isNotNull();
        assertThat(new String(content, java.nio.charset.StandardCharsets.UTF_8)).contains("8310-5")
                .doesNotContain("versionId").doesNotContain(AnchorMeta.URL);
        // and the Node script of docs/verify.md agrees, and refuses altered content
        Path file = java.nio.file.Files.createTempFile("proof", ".json");
        java.nio.file.Files.writeString(file, CONTEXT.newJsonParser().encodeResourceToString(proof));
        assertThat(runVerifyScript(file)).startsWith("VERIFIED: Observation/" + observation.getIdPart() + " version 1");
        ((org.hl7.fhir.r4.model.Base64BinaryType) proof.getParameterValue("content"))
                .setValue(new String(content, java.nio.charset.StandardCharsets.UTF_8).replace("8310-5", "8310-6")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.file.Files.writeString(file, CONTEXT.newJsonParser().encodeResourceToString(proof));
        assertThat(runVerifyScript(file)).startsWith("NOT VERIFIED");
    }

    private static String runVerifyScript(Path proofFile) throws Exception {
        Path home = Path.of(System.getProperty("bbehr.home"));
        Process process = new ProcessBuilder("node", home.resolve("docs/verify-record.mjs").toString(),
                proofFile.toString(), chain.rpcUrl(), chain.deployment().recordAnchor().value())
                .directory(home.resolve("contracts").toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    private static String string(Parameters parameters, String name) {
        return parameters.getParameterValue(name).primitiveValue();
    }

    private static byte[] hex(String value) {
        return org.web3j.utils.Numeric.hexStringToByteArray(value);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void anAnchorExtensionSentBackShouldNotBeStored() {
        // given
        IdType patient = create(Fixtures.alicePatient());
        Patient read = awaitAnchored(Patient.class, patient);
        // when: the client sends the resource back as it read it, anchor extension included
        read.getNameFirstRep().setFamily("Updated");
        client.update().resource(read).execute();
        Patient second = client.read().resource(Patient.class).withIdAndVersion(patient.getIdPart(), "2").execute();
        // then: version 2 shows its own state only
        assertThat(second.getMeta().getExtension()).hasSize(1);
        assertThat(verify(patient).getParameterValue("tampered").primitiveValue()).isEqualTo("0");
    }

    @Test
    void verifyShouldNameExactlyTheTamperedVersionsAndReadsShouldFailClearly() throws Exception {
        // given: resources, anchored
        IdType patient = create(Fixtures.alicePatient());
        IdType altered = create(observationOf(patient, "1001-1"));
        IdType swappedA = create(observationOf(patient, "1002-2"));
        IdType swappedB = create(observationOf(patient, "1003-3"));
        IdType badProof = create(observationOf(patient, "1004-4"));
        IdType lostVersion = create(observationOf(patient, "1005-5"));
        update(lostVersion, "1005-6");
        IdType lostKey = create(observationOf(patient, "1006-6"));
        IdType erased = create(observationOf(patient, "1007-7"));
        IdType otherHospital = create(observationOf(patient, "1008-8"));
        IdType indexEdited = create(observationOf(patient, "1009-9"));
        awaitNothingPending();
        // when: the database is tampered with, and one resource is erased properly
        sql("UPDATE versions SET ciphertext = set_byte(ciphertext, 40, get_byte(ciphertext, 40) # 1)"
                + " WHERE type = 'Observation' AND id = ? AND version = 1", altered.getIdPart());
        swapCiphertexts(swappedA.getIdPart(), swappedB.getIdPart());
        sql("UPDATE anchor_leaves SET proof = decode(repeat('ab', 32), 'hex') WHERE type = 'Observation' AND id = ?",
                badProof.getIdPart());
        sql("DELETE FROM versions WHERE type = 'Observation' AND id = ? AND version = 1", lostVersion.getIdPart());
        sql("DELETE FROM data_keys WHERE type = 'Observation' AND id = ?", lostKey.getIdPart());
        store.erase(new ResourceKey("Observation", erased.getIdPart()), "patient request (synthetic)", "it-test");
        claimUnderAnotherHospitalsRoot(otherHospital.getIdPart());
        sql("UPDATE search_token SET code = '1010-0' WHERE type = 'Observation' AND id = ? AND param = 'code'",
                indexEdited.getIdPart());
        Parameters all = awaitServerVerify(p -> statuses(p).containsValue("erased"));
        // then
        Map<String, String> reported = statuses(all);
        assertThat(keysWith(reported, "tampered")).containsExactlyInAnyOrder(
                altered.getValue() + "/_history/1", swappedA.getValue() + "/_history/1",
                swappedB.getValue() + "/_history/1", badProof.getValue() + "/_history/1",
                lostVersion.getValue() + "/_history/1", lostKey.getValue() + "/_history/1",
                otherHospital.getValue() + "/_history/1", indexEdited.getValue() + "/_history/1");
        assertThat(keysWith(reported, "erased")).containsExactly(erased.getValue() + "/_history/1");
        assertThat(reasons(all)).containsEntry(badProof.getValue() + "/_history/1",
                "proof invalid: it does not lead from the leaf to the root");
        assertThat(reasons(all).get(otherHospital.getValue() + "/_history/1"))
                .startsWith("root not on chain under hospital " + hospitalId);
        assertThat(reasons(all).get(lostVersion.getValue() + "/_history/1")).startsWith("version missing");
        assertThat(reasons(all).get(lostKey.getValue() + "/_history/1")).startsWith("data key missing");
        assertThat(reasons(all).get(altered.getValue() + "/_history/1")).startsWith("content changed");
        assertThat(reasons(all).get(indexEdited.getValue() + "/_history/1")).startsWith("search index or state changed");
        // and reading a tampered version fails with the tampering code, never with other data
        for (IdType tampered : List.of(altered, swappedA, lostKey)) {
            assertThatThrownBy(() -> client.read().resource(Observation.class).withId(tampered.getIdPart()).execute())
                    .isInstanceOf(BaseServerResponseException.class).hasMessageContaining("EHR-5006");
        }
        assertThat(client.read().resource(Observation.class).withId(lostVersion.getIdPart()).execute()
                .getCode().getCodingFirstRep().getCode()).isEqualTo("1005-6");
    }

    /**
     * Hospital B anchors a root over a leaf that claims this node's hospital (it can: roots are per hospital, so it
     * takes nothing from this node), and the version is pointed at it: B's root vouches for nothing of this node's.
     */
    private void claimUnderAnotherHospitalsRoot(String id) throws SQLException {
        int other = register(OTHER_HOSPITAL_ACCOUNT, "Another Hospital");
        Bytes32 contentHash = Bytes32.wrap(bytes("SELECT content_hash FROM anchor_leaves WHERE kind = 0"
                + " AND type = 'Observation' AND id = ? AND version = 1", id));
        RecordLeaf leaf = RecordLeaf.ofVersion(hospitalId, new ResourceKey("Observation", id), 1, contentHash);
        MerkleTree tree = new MerkleTree(List.of(leaf.hash(), Bytes32.random()));
        try (Web3jLedger otherNode = ledgerOf(DevAccounts.account(OTHER_HOSPITAL_ACCOUNT))) {
            var outcome = otherNode.submit(new LedgerCall.AnchorRoot(tree.root(), 2));
            assertThat(otherNode.findAnchor(other, tree.root())).isPresent();
            sql("INSERT INTO anchor_batches (hospital_id, root, leaf_count, tx_hash, tx_raw, tx_from, tx_nonce,"
                    + " tx_gas_limit, created_at, anchored, anchored_tx, block, anchored_at)"
                    + " SELECT hospital_id, ?, 2, tx_hash, tx_raw, tx_from, tx_nonce, tx_gas_limit, created_at,"
                    + " true, ?, 1, now() FROM anchor_batches WHERE id = (SELECT batch_id FROM anchor_leaves"
                    + " WHERE kind = 0 AND type = 'Observation' AND id = ? AND version = 1)",
                    tree.root().toArray(), outcome.hash().toArray(), id);
            sql("UPDATE anchor_leaves SET batch_id = (SELECT id FROM anchor_batches WHERE root = ?), proof = ?"
                    + " WHERE kind = 0 AND type = 'Observation' AND id = ? AND version = 1",
                    tree.root().toArray(), tree.proof(0).getFirst().toArray(), id);
        }
    }

    private IdType create(Resource resource) {
        return ((IdType) client.create().resource(resource).execute().getId()).toUnqualifiedVersionless();
    }

    private void update(IdType id, String code) {
        Observation observation = client.read().resource(Observation.class).withId(id.getIdPart()).execute();
        observation.getCode().getCodingFirstRep().setCode(code);
        client.update().resource(observation).execute();
    }

    private static Observation observationOf(IdType patient, String loinc) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(Fixtures.loinc(loinc, "synthetic"));
        observation.setSubject(new Reference(patient.getValue()));
        return observation;
    }

    private Parameters verify(IdType id) {
        return client.operation().onInstance(id).named("$verify").withNoParameters(Parameters.class).useHttpGet()
                .execute();
    }

    private <T extends Resource> T awaitAnchored(Class<T> type, IdType id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            T read = client.read().resource(type).withId(id.getIdPart()).execute();
            Extension anchor = read.getMeta().getExtensionByUrl(AnchorMeta.URL);
            if (anchor != null && "anchored".equals(anchor.getExtensionString("status"))) {
                return read;
            }
            assertThat(System.nanoTime()).as("%s anchored in time", id).isLessThan(deadline);
            sleep();
        }
    }

    private void awaitNothingPending() {
        awaitServerVerify(p -> "0".equals(p.getParameterValue("pending").primitiveValue()));
    }

    private Parameters awaitServerVerify(Predicate<Parameters> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Parameters report = client.operation().onServer().named("$verify").withNoParameters(Parameters.class)
                    .useHttpGet().execute();
            if (done.test(report)) {
                return report;
            }
            assertThat(System.nanoTime()).as("server $verify settled in time").isLessThan(deadline);
            sleep();
        }
    }

    private static Map<String, String> statuses(Parameters report) {
        return versions(report).collect(Collectors.toMap(p -> part(p, "reference"), p -> part(p, "status")));
    }

    private static Map<String, String> reasons(Parameters report) {
        return versions(report).filter(p -> part(p, "reason") != null)
                .collect(Collectors.toMap(p -> part(p, "reference"), p -> part(p, "reason")));
    }

    private static java.util.stream.Stream<Parameters.ParametersParameterComponent> versions(Parameters report) {
        return report.getParameter().stream().filter(p -> p.getName().equals("version"));
    }

    private static String part(Parameters.ParametersParameterComponent version, String name) {
        return version.getPart().stream().filter(p -> p.getName().equals(name)).findFirst()
                .map(p -> p.getValue().primitiveValue()).orElse(null);
    }

    private static Set<String> keysWith(Map<String, String> statuses, String status) {
        return statuses.entrySet().stream().filter(e -> e.getValue().equals(status)).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private void swapCiphertexts(String a, String b) throws SQLException {
        sql("UPDATE versions v SET ciphertext = o.ciphertext FROM versions o WHERE v.type = 'Observation'"
                + " AND o.type = 'Observation' AND v.version = 1 AND o.version = 1"
                + " AND ((v.id = ? AND o.id = ?) OR (v.id = ? AND o.id = ?))", a, b, b, a);
    }

    private void sql(String sql, Object... params) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            assertThat(statement.executeUpdate()).as(sql).isPositive();
        }
    }

    private byte[] bytes(String sql, String id) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, id);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBytes(1);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
