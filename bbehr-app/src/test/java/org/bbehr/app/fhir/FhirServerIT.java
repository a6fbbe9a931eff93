package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.bbehr.app.node.NodeApplication;
import org.hl7.fhir.r4.model.*;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The FHIR API on the encrypted PostgreSQL store, through the HAPI FHIR generic client as a hospital system uses it. */
@SpringBootTest(classes = NodeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bbehr.store.mode=embedded", "bbehr.data-dir=target/it-data/${random.uuid}"})
class FhirServerIT {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    IGenericClient client;

    @org.springframework.beans.factory.annotation.Autowired
    FhirRecords records;

    @BeforeEach
    void connect() {
        CONTEXT.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        // the first full validation loads the core definitions: on a busy machine that can take longer than
        // the client's default 10 s
        CONTEXT.getRestfulClientFactory().setSocketTimeout(120_000);
        client = CONTEXT.newRestfulGenericClient("http://127.0.0.1:" + port + "/fhir");
    }

    static java.util.List<Fixtures.Named> everyTestedType() {
        return Fixtures.everyTestedType();
    }

    Fixtures.Refs existingRefs() {
        String patient = client.create().resource(Fixtures.alicePatient()).execute().getId().toUnqualifiedVersionless().getValue();
        String practitioner = client.create().resource(Fixtures.drBob()).execute().getId().toUnqualifiedVersionless().getValue();
        return new Fixtures.Refs(patient, practitioner);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyTestedType")
    void everyTypeShouldBeCreatedReadUpdatedVersionedAndDeleted(Fixtures.Named fixture) {
        // given
        Resource resource = fixture.build().apply(existingRefs());
        Class<? extends Resource> type = resource.getClass();
        // when
        MethodOutcome created = client.create().resource(resource).execute();
        // then
        assertThat(created.getCreated()).isTrue();
        IdType id = (IdType) created.getId();
        assertThat(id.getVersionIdPart()).isEqualTo("1");
        Resource read = client.read().resource(type).withId(id.getIdPart()).execute();
        assertThat(read.getMeta().getVersionId()).isEqualTo("1");
        assertThat(read.getMeta().getLastUpdated()).isNotNull();
        // when
        read.getMeta().addTag("urn:bbehr:test", "updated", null);
        MethodOutcome updated = client.update().resource(read).execute();
        // then
        assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
        Resource first = client.read().resource(type).withIdAndVersion(id.getIdPart(), "1").execute();
        assertThat(first.getMeta().getTag()).isEmpty();
        Bundle history = client.history().onInstance(id.toVersionless()).returnBundle(Bundle.class).execute();
        assertThat(history.getEntry()).hasSize(2);
        // when
        client.delete().resourceById(id.toVersionless()).execute();
        // then
        assertThatThrownBy(() -> client.read().resource(type).withId(id.getIdPart()).execute())
                .isInstanceOf(ResourceGoneException.class);
        assertThat(client.history().onInstance(id.toVersionless()).returnBundle(Bundle.class).execute().getEntry())
                .hasSize(3);
    }

    @Test
    void updateWithAStaleVersionShouldBeRefusedWith412() {
        // given
        MethodOutcome created = client.create().resource(Fixtures.alicePatient()).execute();
        Patient patient = client.read().resource(Patient.class).withId(created.getId().getIdPart()).execute();
        client.update().resource(patient).execute();
        // when / then: the client sends If-Match W/"1" while the resource is at version 2
        patient.setActive(true);
        assertThatThrownBy(() -> client.update().resource(patient).withId(patient.getIdElement().withVersion("1"))
                .execute()).isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void updateOfAnUnknownIdShouldCreateItWithTheClientsId() {
        // given
        Patient patient = Fixtures.alicePatient();
        patient.setId("alice-synthetic-1");
        // when
        MethodOutcome outcome = client.update().resource(patient).execute();
        // then
        assertThat(outcome.getCreated()).isTrue();
        assertThat(client.read().resource(Patient.class).withId("alice-synthetic-1").execute().getNameFirstRep()
                .getFamily()).isEqualTo("Synthetic");
    }

    @Test
    void conditionalCreateShouldReturnTheExistingResourceInsteadOfADuplicate() {
        // given
        Practitioner bob = Fixtures.drBob();
        bob.getIdentifierFirstRep().setValue("9999999902");
        MethodOutcome first = client.create().resource(bob).conditional()
                .where(Practitioner.IDENTIFIER.exactly().systemAndCode("http://hl7.org/fhir/sid/us-npi", "9999999902"))
                .execute();
        // when
        MethodOutcome second = client.create().resource(bob).conditional()
                .where(Practitioner.IDENTIFIER.exactly().systemAndCode("http://hl7.org/fhir/sid/us-npi", "9999999902"))
                .execute();
        // then
        assertThat(first.getCreated()).isTrue();
        assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
        assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
        Bundle found = client.search().forResource(Practitioner.class)
                .where(Practitioner.IDENTIFIER.exactly().systemAndCode("http://hl7.org/fhir/sid/us-npi", "9999999902"))
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);
    }

    @Test
    void transactionShouldRewriteUrnUuidsAndResolveConditionalReferences() {
        // given
        Practitioner bob = Fixtures.drBob();
        bob.getIdentifierFirstRep().setValue("9999999903");
        client.create().resource(bob).execute();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Patient patient = Fixtures.alicePatient();
        transaction.addEntry().setFullUrl("urn:uuid:5c7e2a9a-1111-4c1e-9c1a-000000000001").setResource(patient)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
                .setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null))
                .setSubject(new Reference("urn:uuid:5c7e2a9a-1111-4c1e-9c1a-000000000001"));
        encounter.addParticipant().setIndividual(new Reference(
                "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999999903"));
        transaction.addEntry().setFullUrl("urn:uuid:5c7e2a9a-1111-4c1e-9c1a-000000000002").setResource(encounter)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");
        // when
        Bundle response = client.transaction().withBundle(transaction).execute();
        // then
        assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus()).containsOnly("201 Created");
        String patientId = new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart();
        Encounter stored = client.read().resource(Encounter.class)
                .withId(new IdType(response.getEntry().get(1).getResponse().getLocation()).getIdPart()).execute();
        assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + patientId);
        assertThat(stored.getParticipantFirstRep().getIndividual().getReference()).startsWith("Practitioner/");
        // and the reference index holds the rewritten references: the patient cannot go while the encounter is there
        assertThatThrownBy(() -> client.delete().resourceById("Patient", patientId).execute())
                .isInstanceOf(ResourceVersionConflictException.class).hasMessageContaining("EHR-5003");
    }

    @Test
    void transactionWithOneInvalidEntryShouldLeaveNothingBehind() {
        // given
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Patient patient = Fixtures.alicePatient();
        patient.getIdentifierFirstRep().setValue("MRN-ATOMIC-0001");
        transaction.addEntry().setFullUrl("urn:uuid:5c7e2a9a-2222-4c1e-9c1a-000000000001").setResource(patient)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        transaction.addEntry().setResource(new Observation().setCode(Fixtures.loinc("8867-4", "Heart rate")))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation"); // status is required
        // when / then
        assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("Observation.status");
        Bundle found = client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().code("MRN-ATOMIC-0001")).returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).isEmpty();
    }

    @Test
    void batchShouldAnswerEachEntryOnItsOwn() {
        // given
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().setResource(Fixtures.alicePatient()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        batch.addEntry().setResource(new Observation().setCode(Fixtures.loinc("8867-4", "Heart rate"))) // no status
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        // when
        Bundle response = client.transaction().withBundle(batch).execute();
        // then
        assertThat(response.getEntry().get(0).getResponse().getStatus()).isEqualTo("201 Created");
        assertThat(response.getEntry().get(1).getResponse().getStatus()).isEqualTo("422");
        assertThat(response.getEntry().get(1).getResponse().getOutcome()).isInstanceOf(OperationOutcome.class);
    }

    @Test
    void deleteOfAReferencedResourceShouldBeRefusedWith409() {
        // given
        Fixtures.Refs refs = existingRefs();
        client.create().resource(new Condition().setSubject(new Reference(refs.patient()))).execute();
        // when / then
        assertThatThrownBy(() -> client.delete().resourceById(new IdType(refs.patient())).execute())
                .isInstanceOf(ResourceVersionConflictException.class);
        assertThat(client.read().resource(Patient.class).withId(new IdType(refs.patient()).getIdPart()).execute())
                .isNotNull();
    }

    @Test
    void everythingShouldReturnThePatientAndWhatReferencesIt() {
        // given
        Fixtures.Refs refs = existingRefs();
        client.create().resource(new Condition().setSubject(new Reference(refs.patient()))
                .setCode(Fixtures.snomed("44054006", "Diabetes mellitus type 2"))).execute();
        client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setCode(Fixtures.loinc("8867-4", "Heart rate")).setSubject(new Reference(refs.patient()))
                .addPerformer(new Reference(refs.practitioner()))).execute();
        // when
        Parameters none = new Parameters();
        Bundle everything = client.operation().onInstance(new IdType(refs.patient())).named("$everything")
                .withParameters(none).returnResourceType(Bundle.class).useHttpGet().execute();
        // then
        assertThat(everything.getEntry()).extracting(e -> e.getResource().fhirType())
                .containsExactlyInAnyOrder("Patient", "Condition", "Observation", "Practitioner");
    }

    @Test
    void everythingShouldBePagedWithItsTotalAndEveryResourceOnExactlyOnePage() {
        // given: a patient with 25 observations by one practitioner
        Fixtures.Refs refs = existingRefs();
        java.util.Set<String> expected = new java.util.HashSet<>(java.util.List.of(refs.patient(), refs.practitioner()));
        for (int i = 0; i < 25; i++) {
            expected.add(client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
                    .setCode(Fixtures.loinc("8867-4", "Heart rate")).setSubject(new Reference(refs.patient()))
                    .addPerformer(new Reference(refs.practitioner()))).execute().getId().toUnqualifiedVersionless()
                    .getValue());
        }
        // when
        Bundle page = client.operation().onInstance(new IdType(refs.patient())).named("$everything")
                .withParameter(Parameters.class, "_count", new org.hl7.fhir.r4.model.IntegerType(10))
                .returnResourceType(Bundle.class).useHttpGet().execute();
        // then: 10 per page, the total of all 27, and the pages together hold each one once
        assertThat(page.getTotal()).isEqualTo(27);
        java.util.List<String> seen = new java.util.ArrayList<>();
        int pages = 0;
        while (true) {
            pages++;
            assertThat(page.getEntry()).hasSizeLessThanOrEqualTo(10);
            page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().toUnqualifiedVersionless().getValue()));
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                break;
            }
            page = client.loadPage().next(page).execute();
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(27).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everythingShouldRefuseAPatientWithMoreRecordsThanItsBound() {
        // given: a patient with three observations, and a bound of three resources
        Fixtures.Refs refs = existingRefs();
        for (int i = 0; i < 3; i++) {
            client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
                    .setCode(Fixtures.loinc("8867-4", "Heart rate")).setSubject(new Reference(refs.patient())))
                    .execute();
        }
        // when / then
        assertThatThrownBy(() -> records.everything(org.bbehr.core.access.Actor.system("test"),
                org.bbehr.core.record.ResourceKey.parse(refs.patient()), 3))
                .isInstanceOfSatisfying(org.bbehr.core.BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(org.bbehr.core.ErrorCode.RESULT_TOO_LARGE))
                .hasMessageContaining("search them by type instead");
        assertThat(records.everything(org.bbehr.core.access.Actor.system("test"),
                org.bbehr.core.record.ResourceKey.parse(refs.patient()), 4)).hasSize(4);
    }

    @Test
    void xmlShouldWorkLikeJson() {
        // given
        client.setEncoding(EncodingEnum.XML);
        // when
        MethodOutcome created = client.create().resource(Fixtures.alicePatient()).execute();
        Patient read = client.read().resource(Patient.class).withId(created.getId().getIdPart()).execute();
        // then
        assertThat(read.getNameFirstRep().getGivenAsSingleString()).isEqualTo("Alice");
    }

    @Test
    void capabilityStatementShouldListTheSupportedInteractions() {
        // when
        CapabilityStatement capabilities = client.capabilities().ofType(CapabilityStatement.class).execute();
        // then
        var rest = capabilities.getRestFirstRep();
        assertThat(rest.getResource()).hasSizeGreaterThan(140);
        var patient = rest.getResource().stream().filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
        assertThat(patient.getInteraction()).extracting(i -> i.getCode().toCode())
                .contains("create", "read", "vread", "update", "delete", "history-instance", "history-type");
        assertThat(patient.getOperation()).extracting(CapabilityStatement.CapabilityStatementRestResourceOperationComponent::getName)
                .contains("everything");
        assertThat(rest.getInteraction()).extracting(i -> i.getCode().toCode()).contains("transaction", "batch");
    }

    @Test
    void validateShouldReportProfileProblems() {
        // given
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setCode(Fixtures.loinc("8867-4", "Heart rate"));
        // when
        MethodOutcome outcome = client.validate().resource(observation).execute();
        // then
        assertThat(outcome.getOperationOutcome()).isInstanceOf(OperationOutcome.class);
    }

    @Test
    void fullValidationOnRequestShouldApplyToTransactionsToo() {
        // given: a Patient that breaks only the invariant pat-1 (a contact needs a name, telecom, address or organization)
        Patient patient = Fixtures.alicePatient();
        patient.addContact().setGender(Enumerations.AdministrativeGender.MALE);
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        transaction.addEntry().setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        // when / then
        assertThatThrownBy(() -> client.transaction().withBundle(transaction)
                .withAdditionalHeader(ProfileValidator.HEADER, "full").execute())
                .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("pat-1");
        assertThatThrownBy(() -> client.create().resource(patient)
                .withAdditionalHeader(ProfileValidator.HEADER, "full").execute())
                .isInstanceOf(UnprocessableEntityException.class);
        assertThat(client.transaction().withBundle(transaction).execute().getEntryFirstRep().getResponse().getStatus())
                .isEqualTo("201 Created");
    }

    @Test
    void readOfAnUnknownIdShouldBe404() {
        assertThatThrownBy(() -> client.read().resource(Patient.class).withId("no-such-patient").execute())
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void referenceToAnUnknownTypeShouldBeRefused() {
        Condition condition = new Condition().setSubject(new Reference("Pateint/123"));
        assertThatThrownBy(() -> client.create().resource(condition).execute())
                .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("Condition.subject");
    }

    @Test
    void urnReferenceOutsideATransactionShouldBeRefused() {
        Condition condition = new Condition().setSubject(new Reference("urn:uuid:5c7e2a9a-3333-4c1e-9c1a-000000000001"));
        assertThatThrownBy(() -> client.create().resource(condition).execute())
                .isInstanceOfAny(UnprocessableEntityException.class, InvalidRequestException.class);
    }

    @Test
    void plainJsonReadShouldAnswerExactlyWhatHapisEncoderWrites() throws Exception {
        // given: a patient with meta content of its own, updated once
        Patient patient = Fixtures.alicePatient();
        patient.getMeta().addTag("urn:tags", "demo", "Demo").addProfile("http://example.org/StructureDefinition/p");
        IdType id = (IdType) client.create().resource(patient).execute().getId().toUnqualifiedVersionless();
        patient.setId(id);
        patient.setActive(false);
        client.update().resource(patient).execute();
        double answeredBefore = readsFromStoredBytes();

        for (String path : List.of(id.getValue(), id.getValue() + "/_history/1", id.getValue() + "/_history/2")) {
            // when: a plain read (answered from the stored bytes) and one HAPI encodes (a parameter)
            HttpResponse<byte[]> plain = get(path, false);
            HttpResponse<byte[]> gzipped = get(path, true);
            HttpResponse<byte[]> encoded = get(path + "?_format=json", false);

            // then: the same bytes and headers
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(new String(plain.body(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(encoded.body(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes(),
                            StandardCharsets.UTF_8));
            for (String header : List.of("ETag", "Last-Modified", "Content-Location", "Content-Type")) {
                assertThat(plain.headers().firstValue(header)).as(header).isPresent()
                        .isEqualTo(encoded.headers().firstValue(header));
            }
        }
        // and the plain reads (not the one with a parameter) were answered from the stored bytes
        assertThat(readsFromStoredBytes() - answeredBefore).isEqualTo(6);
    }

    double readsFromStoredBytes() throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        return metrics.body().lines().filter(line -> line.startsWith("bbehr_fhir_reads_from_stored_bytes_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    HttpResponse<byte[]> get(String path, boolean gzip) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/" + path))
                .header("Accept", "application/fhir+json");
        if (gzip) {
            request.header("Accept-Encoding", "gzip");
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
