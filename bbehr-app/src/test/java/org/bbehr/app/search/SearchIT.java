package org.bbehr.app.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static java.nio.charset.StandardCharsets.UTF_8;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.bbehr.app.node.NodeApplication;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * FHIR search conformance on the encrypted PostgreSQL store, through the HAPI FHIR generic client. Every test writes
 * its own synthetic patient and looks only at that patient's resources, with expected results written by hand.
 */
@SpringBootTest(classes = NodeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bbehr.store.mode=embedded", "bbehr.data-dir=target/it-data/${random.uuid}"})
class SearchIT {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();
    static final String LOINC = "http://loinc.org";
    static final String UCUM = "http://unitsofmeasure.org";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    IGenericClient client;

    @BeforeEach
    void connect() {
        CONTEXT.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CONTEXT.newRestfulGenericClient(base());
    }

    String base() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    // fixtures

    String patient(String family, String given, String birthDate) {
        Patient patient = new Patient();
        patient.addName().setFamily(family).addGiven(given);
        patient.setBirthDateElement(new DateType(birthDate));
        return client.create().resource(patient).execute().getId().getIdPart();
    }

    String observation(String patientId, String code, String effective, Double value) {
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setCode(new CodeableConcept(new Coding(LOINC, code, null)))
                .setSubject(new Reference("Patient/" + patientId))
                .setEffective(new DateTimeType(effective));
        if (value != null) {
            observation.setValue(new Quantity().setValue(value).setSystem(UCUM).setCode("/min").setUnit("/min"));
        }
        return client.create().resource(observation).execute().getId().getIdPart();
    }

    List<String> ids(String query) {
        Bundle bundle = client.search().byUrl(query).returnBundle(Bundle.class).execute();
        return matches(bundle);
    }

    static List<String> matches(Bundle bundle) {
        return bundle.getEntry().stream()
                .filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
                .map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }

    // tokens, references, quantities

    @Test
    void tokenShouldMatchSystemAndCodeCodeAloneSystemAloneAndNot() {
        // given
        String p = patient("Tokenfixture", "Tess", "1971-01-01");
        String heartRate = observation(p, "8867-4", "2024-03-01", null);
        String bodyTemp = observation(p, "8310-5", "2024-03-01", null);

        // then
        String mine = "Observation?subject=Patient/" + p;
        assertThat(ids(mine + "&code=" + LOINC + "|8867-4")).containsExactly(heartRate);
        assertThat(ids(mine + "&code=8867-4")).containsExactly(heartRate);
        assertThat(ids(mine + "&code=" + LOINC + "|")).containsExactlyInAnyOrder(heartRate, bodyTemp);
        assertThat(ids(mine + "&code=|8867-4")).isEmpty();
        assertThat(ids(mine + "&code:not=8867-4")).containsExactly(bodyTemp);
        assertThat(ids(mine + "&code=8867-4,8310-5")).containsExactlyInAnyOrder(heartRate, bodyTemp);
        assertThat(ids(mine + "&code=8867-4&code=8310-5")).isEmpty();
        assertThat(ids(mine + "&status=final&code=8310-5")).containsExactly(bodyTemp);
    }

    @Test
    void referenceShouldMatchByIdByTypeAndIdAndByAbsoluteUrl() {
        // given
        String p = patient("Reffixture", "Rhea", "1972-02-02");
        String o = observation(p, "8867-4", "2024-03-01", null);

        // then
        assertThat(ids("Observation?subject=Patient/" + p)).containsExactly(o);
        assertThat(ids("Observation?subject=" + p)).containsExactly(o);
        assertThat(ids("Observation?subject:Patient=" + p)).containsExactly(o);
        assertThat(ids("Observation?patient=" + p)).containsExactly(o);
        assertThat(ids("Observation?subject=" + base() + "/Patient/" + p)).containsExactly(o);
        assertThat(ids("Observation?subject:Group=" + p)).isEmpty();
    }

    @Test
    void quantityShouldCompareValuesWithTheirPrecisionAndUnits() {
        // given
        String p = patient("Quantfixture", "Quin", "1973-03-03");
        String slow = observation(p, "8867-4", "2024-03-01", 72.0);
        String fast = observation(p, "8867-4", "2024-03-02", 101.5);
        String mine = "Observation?subject=Patient/" + p;

        // then
        assertThat(ids(mine + "&value-quantity=72")).containsExactly(slow);
        assertThat(ids(mine + "&value-quantity=72|" + UCUM + "|/min")).containsExactly(slow);
        assertThat(ids(mine + "&value-quantity=72|" + UCUM + "|mg")).isEmpty();
        assertThat(ids(mine + "&value-quantity=gt72")).containsExactly(fast);
        assertThat(ids(mine + "&value-quantity=ge72")).containsExactlyInAnyOrder(slow, fast);
        assertThat(ids(mine + "&value-quantity=101")).isEmpty();
        assertThat(ids(mine + "&value-quantity=1.015e2")).containsExactly(fast);
    }

    // dates

    @Test
    void dateShouldHonourPrefixesPartialPrecisionTimeZonesAndPeriods() {
        // given: 23:30 at UTC-5 on 1 March is 04:30 UTC on 2 March
        String p = patient("Datefixture", "Dana", "1974-04-04");
        String evening = observation(p, "8867-4", "2024-03-01T23:30:00-05:00", null);
        String lastYear = observation(p, "8867-4", "2023-12-31", null);
        Observation spanning = new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setCode(new CodeableConcept(new Coding(LOINC, "8867-4", null)))
                .setSubject(new Reference("Patient/" + p))
                .setEffective(new Period().setStartElement(new DateTimeType("2023-12-30"))
                        .setEndElement(new DateTimeType("2024-01-02")));
        String period = client.create().resource(spanning).execute().getId().getIdPart();
        String mine = "Observation?subject=Patient/" + p;

        // then
        assertThat(ids(mine + "&date=2024-03-02")).containsExactly(evening);
        assertThat(ids(mine + "&date=2024-03-01")).isEmpty();
        assertThat(ids(mine + "&date=2024-03")).containsExactly(evening);
        assertThat(ids(mine + "&date=2023")).containsExactly(lastYear);
        assertThat(ids(mine + "&date=lt2024")).containsExactlyInAnyOrder(lastYear, period);
        assertThat(ids(mine + "&date=ge2024-01-01")).containsExactlyInAnyOrder(evening, period);
        assertThat(ids(mine + "&date=gt2024-03-02T04:29:00Z")).containsExactly(evening);
        assertThat(ids(mine + "&date=ne2024-03-02")).containsExactlyInAnyOrder(lastYear, period);
        assertThat(ids(mine + "&date=ge2023-12-31&date=le2023-12-31")).containsExactlyInAnyOrder(lastYear, period);
    }

    @Test
    void lastUpdatedAndIdShouldMatchTheResourceItself() {
        // given
        String p = patient("Metafixture", "Mo", "1975-05-05");
        String o = observation(p, "8867-4", "2024-03-01", null);
        String mine = "Observation?subject=Patient/" + p;

        // then
        assertThat(ids(mine + "&_lastUpdated=gt2020-01-01")).containsExactly(o);
        assertThat(ids(mine + "&_lastUpdated=lt2020-01-01")).isEmpty();
        assertThat(ids("Observation?_id=" + o)).containsExactly(o);
        assertThat(ids("Observation?_id=" + o + ",no-such-id")).containsExactly(o);
    }

    // strings

    @Test
    void stringShouldIgnoreCaseAndAccentsAndSupportExactAndContains() {
        // given
        String hopital = client.create().resource(new Organization().setName("Hôpital Saint-Éloi Synthétique"))
                .execute().getId().getIdPart();

        // then
        assertThat(ids("Organization?name=hopital%20saint-eloi")).contains(hopital);
        assertThat(ids("Organization?name=H%C3%94PITAL")).contains(hopital);
        assertThat(ids("Organization?name=saint")).doesNotContain(hopital);
        assertThat(ids("Organization?name:contains=ELOI")).contains(hopital);
        assertThat(ids("Organization?name:exact=h%C3%B4pital%20saint-%C3%A9loi%20synth%C3%A9tique")).contains(hopital);
        assertThat(ids("Organization?name:exact=hôpital")).doesNotContain(hopital);
    }

    @Test
    void missingShouldTellResourcesWithAndWithoutAValue() {
        // given
        String p = patient("Missfixture", "Milo", "1976-06-06");
        String withValue = observation(p, "8867-4", "2024-03-01", 60.0);
        String without = observation(p, "8867-4", "2024-03-01", null);
        String mine = "Observation?subject=Patient/" + p;

        // then
        assertThat(ids(mine + "&value-quantity:missing=true")).containsExactly(without);
        assertThat(ids(mine + "&value-quantity:missing=false")).containsExactly(withValue);
    }

    // protected fields

    @Test
    void nameShouldMatchWordsByPrefixFromThreeLettersIgnoringCaseAndAccents() {
        // given
        String zoe = patient("Ærøskøbing-Vålerenga", "Zoë", "1977-07-07");

        // then
        assertThat(ids("Patient?name=zoe")).contains(zoe);
        assertThat(ids("Patient?name=ZOE")).contains(zoe);
        // (a search word of one or two letters matches only that whole word: no 2-letter prefix is indexed)
        assertThat(ids("Patient?name=ZO")).doesNotContain(zoe);
        assertThat(ids("Patient?family=aerosk")).contains(zoe);
        assertThat(ids("Patient?name=valer%20zoe")).contains(zoe);
        assertThat(ids("Patient?name=val")).contains(zoe);
        assertThat(ids("Patient?given=aeroskobing")).doesNotContain(zoe);
        assertThat(ids("Patient?name=zoa")).doesNotContain(zoe);
        // and a two-letter surname is found by itself
        String li = patient("Li", "Wen", "1980-01-02");
        assertThat(ids("Patient?family=li")).contains(li);
        assertThatThrownBy(() -> ids("Patient?name:contains=osk")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("EHR-1003");
    }

    @Test
    void birthDateShouldMatchAtYearOrDayAndRefuseMonthsAndRanges() {
        // given
        String p = patient("Birthfixture", "Bea", "1961-11-23");

        // then
        assertThat(ids("Patient?birthdate=1961")).contains(p);
        assertThat(ids("Patient?birthdate=1961-11-23")).contains(p);
        assertThat(ids("Patient?birthdate=1961-11-24")).doesNotContain(p);
        assertThat(ids("Patient?birthdate=eq1961-11-23&family=birthfix")).containsExactly(p);
        assertThatThrownBy(() -> ids("Patient?birthdate=ge1961")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("EHR-1003").hasMessageContaining("ranges");
        assertThatThrownBy(() -> ids("Patient?birthdate=1961-11")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("EHR-1003").hasMessageContaining("a month is not indexed");
    }

    @Test
    void identifierTelecomAndAddressShouldMatchExactNormalizedValues() {
        // given
        Patient patient = new Patient();
        patient.addIdentifier().setSystem("urn:oid:1.2.36.146.595.217.0.1").setValue("MRN-SRCH-0042");
        patient.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.EMAIL)
                .setValue("Xavier.Synthetic@example.org");
        patient.addAddress().setCity("Springfield-Synthétique").setPostalCode("SY1 2AB");
        String p = client.create().resource(patient).execute().getId().getIdPart();

        // then
        assertThat(ids("Patient?identifier=urn:oid:1.2.36.146.595.217.0.1|MRN-SRCH-0042")).containsExactly(p);
        assertThat(ids("Patient?identifier=MRN-SRCH-0042")).containsExactly(p);
        assertThat(ids("Patient?identifier=MRN-SRCH-004")).isEmpty();
        assertThat(ids("Patient?email=xavier.synthetic@example.org")).containsExactly(p);
        assertThat(ids("Patient?telecom=email|xavier.synthetic@example.org")).containsExactly(p);
        assertThat(ids("Patient?address-city=springfield-synthetique")).containsExactly(p);
        assertThat(ids("Patient?address-city=springfield")).isEmpty();
        assertThat(ids("Patient?address-postalcode=sy1%202ab")).containsExactly(p);
    }

    // results: paging, includes, sort, summary, strictness

    @Test
    void hapiClientShouldPageThroughStableResultsWhoseLinksCarryNoSearchValues() {
        // given
        String p = patient("Pagefixture", "Pia", "1978-08-08");
        List<String> written = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            written.add(observation(p, "8867-4", "2024-03-0" + i, null));
        }

        // when
        Bundle page = client.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + p)).and(Observation.CODE.exactly().code("8867-4"))
                .count(2).returnBundle(Bundle.class).execute();
        List<String> seen = new ArrayList<>(matches(page));
        List<String> links = new ArrayList<>();
        page.getLink().forEach(l -> links.add(l.getUrl()));
        String sixth = observation(p, "8867-4", "2024-03-06", null);
        while (page.getLink(Bundle.LINK_NEXT) != null) {
            page = client.loadPage().next(page).execute();
            seen.addAll(matches(page));
            page.getLink().forEach(l -> links.add(l.getUrl()));
        }

        // then
        assertThat(seen).containsExactlyInAnyOrderElementsOf(written).doesNotContain(sixth);
        assertThat(links).isNotEmpty().allSatisfy(url -> assertThat(url).doesNotContain(p)
                .doesNotContain("8867-4").doesNotContain("subject"));
    }

    @Test
    void totalShouldBeGivenWhenAskedForOrOnceTheLastMatchIsFetched() {
        // given
        String p = patient("Totalfixture", "Tom", "1987-05-17");
        List<String> written = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            written.add(observation(p, "8867-4", "2024-04-0" + i, null));
        }
        String mine = "Observation?subject=Patient/" + p;

        // when
        Bundle first = client.search().byUrl(mine).count(2).returnBundle(Bundle.class).execute();
        Bundle second = client.loadPage().next(first).execute();
        Bundle accurate = client.search().byUrl(mine + "&_total=accurate").count(2).returnBundle(Bundle.class)
                .execute();
        Bundle estimate = client.search().byUrl(mine + "&_total=estimate").count(2).returnBundle(Bundle.class)
                .execute();
        Bundle count = client.search().byUrl(mine).count(2).summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class)
                .execute();
        Bundle all = client.search().byUrl(mine + "&_total=none").returnBundle(Bundle.class).execute();

        // then
        assertThat(first.hasTotal()).isFalse();
        assertThat(first.getLink(Bundle.LINK_NEXT)).isNotNull();
        assertThat(second.getTotal()).isEqualTo(4);
        assertThat(second.getLink(Bundle.LINK_NEXT)).isNull();
        assertThat(Stream.concat(matches(first).stream(), matches(second).stream()))
                .containsExactlyInAnyOrderElementsOf(written);
        assertThat(accurate.getTotal()).isEqualTo(4);
        assertThat(matches(accurate)).hasSize(2);
        assertThat(estimate.getTotal()).isEqualTo(4);
        assertThat(count.getTotal()).isEqualTo(4);
        assertThat(count.getEntry()).isEmpty();
        assertThat(all.getTotal()).isEqualTo(4);
        assertThat(all.getLink(Bundle.LINK_NEXT)).isNull();
        assertThatThrownBy(() -> ids(mine + "&_total=exact")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("EHR-1001");
    }

    @Test
    void laterPagesShouldLeaveOutResourcesChangedSinceTheSearchRan() {
        // given
        String p = patient("Laterfixture", "Lou", "1988-06-18");
        for (int i = 1; i <= 4; i++) {
            observation(p, "8867-4", "2024-05-0" + i, null);
        }
        String mine = "Observation?subject=Patient/" + p + "&_sort=_id";
        List<String> byId = ids(mine);
        Bundle first = client.search().byUrl(mine).count(2).returnBundle(Bundle.class).execute();

        // when
        Observation changed = client.read().resource(Observation.class).withId(byId.get(3)).execute();
        client.update().resource(changed.setStatus(Observation.ObservationStatus.AMENDED)).execute();
        Bundle second = client.loadPage().next(first).execute();

        // then
        assertThat(matches(first)).containsExactly(byId.get(0), byId.get(1));
        assertThat(matches(second)).containsExactly(byId.get(2));
        assertThat(ids(mine)).containsExactlyElementsOf(byId);
    }

    @Test
    void patientShouldBeAnsweredFromTheSubjectsReferencesToPatients() {
        // given
        String p = patient("Aliasfixture", "Ali", "1986-04-16");
        String o = observation(p, "8867-4", "2024-03-01", null);
        String group = "https://other.example/fhir/Group/7";
        String elsewhere = client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setCode(new CodeableConcept(new Coding(LOINC, "8867-4", null))).setSubject(new Reference(group)))
                .execute().getId().getIdPart();

        // when
        Bundle revIncluded = client.search().byUrl("Patient?_id=" + p + "&_revinclude=Observation:patient")
                .returnBundle(Bundle.class).execute();
        Bundle included = client.search().byUrl("Observation?_id=" + o + "&_include=Observation:patient")
                .returnBundle(Bundle.class).execute();

        // then
        assertThat(ids("Observation?patient=" + p)).containsExactly(o);
        assertThat(ids("Observation?patient=Patient/" + p + "&code=" + LOINC + "|8867-4")).containsExactly(o);
        assertThat(ids("Observation?patient:Group=" + p)).isEmpty();
        assertThat(ids("Observation?subject=" + group)).containsExactly(elsewhere);
        assertThat(ids("Observation?patient=" + group)).isEmpty();
        assertThat(ids("Observation?subject=" + group + "&patient:missing=true")).containsExactly(elsewhere);
        assertThat(ids("Observation?subject=Patient/" + p + "&patient:missing=false")).containsExactly(o);
        assertThat(revIncluded.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactlyInAnyOrder(p, o);
        assertThat(included.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactlyInAnyOrder(p, o);
    }

    @Test
    void comboCodeAndPhoneticShouldBeAnsweredFromTheRowsOfWhatTheyAreMadeOf() {
        // given
        String p = patient("Phonfixture", "Phoebe", "1989-07-19");
        Observation pressure = new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setCode(new CodeableConcept(new Coding(LOINC, "85354-9", null)))
                .setSubject(new Reference("Patient/" + p));
        pressure.addComponent().setCode(new CodeableConcept(new Coding(LOINC, "8480-6", null)))
                .setValue(new Quantity().setValue(120).setSystem(UCUM).setCode("mm[Hg]"));
        String bp = client.create().resource(pressure).execute().getId().getIdPart();
        String hr = observation(p, "8867-4", "2024-03-01", 70.0);
        String mine = "Observation?subject=Patient/" + p;

        // then
        assertThat(ids(mine + "&combo-code=8480-6")).containsExactly(bp);
        assertThat(ids(mine + "&combo-code=85354-9")).containsExactly(bp);
        assertThat(ids(mine + "&combo-code=" + LOINC + "|8867-4")).containsExactly(hr);
        assertThat(ids(mine + "&combo-code:not=8480-6")).containsExactly(hr);
        assertThat(ids(mine + "&combo-value-quantity=gt100")).containsExactly(bp);
        assertThat(ids(mine + "&combo-value-quantity=70")).containsExactly(hr);
        assertThat(ids("Patient?phonetic=phoeb")).contains(p);
        assertThat(ids("Patient?phonetic=phonfix&name=phoebe")).contains(p);
    }

    @Test
    void searchPageShouldBeWrittenFromTheStoredBytesAsHapiWritesIt() throws Exception {
        // given: a page with matches, included resources and an outcome, and its stored results' id
        String p = patient("Bytesfixture", "Bea", "1990-08-20");
        observation(p, "8867-4", "2024-03-01", 70.5);
        observation(p, "8310-5", "2024-03-02", null);
        String search = "Patient?_id=" + p + "&_revinclude=Observation:subject&favourite-colour=blue";
        JsonNode first = JSON.readTree(get(search, false).body());
        String self = first.get("link").get(0).get("url").asText();
        String page = self.substring(self.indexOf('?'));
        double before = pagesFromStoredBytes();

        // when: the page as written from the stored bytes, gzipped, and as HAPI encodes it (a parameter)
        HttpResponse<byte[]> plain = get(page, false);
        HttpResponse<byte[]> gzipped = get(page, true);
        HttpResponse<byte[]> encoded = get(page + "&_format=json", false);
        HttpResponse<byte[]> xml = get(page + "&_format=xml", false);

        // then: the same Bundle apart from its own id and links, and the same headers
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(new String(new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes(), UTF_8))
                .isEqualTo(new String(plain.body(), UTF_8));
        JsonNode written = withoutIdAndLinks(JSON.readTree(plain.body()));
        assertThat(written).isEqualTo(withoutIdAndLinks(JSON.readTree(encoded.body())));
        assertThat(written.get("entry")).hasSize(4);
        assertThat(written.toString()).contains("\"mode\":\"include\"", "\"mode\":\"outcome\"", "70.5");
        for (String header : List.of("Content-Type", "Last-Modified")) {
            assertThat(plain.headers().firstValue(header)).as(header).isEqualTo(encoded.headers().firstValue(header));
        }
        Bundle fromXml = CONTEXT.newXmlParser().parseResource(Bundle.class, new String(xml.body(), UTF_8));
        Bundle fromJson = CONTEXT.newJsonParser().parseResource(Bundle.class, new String(plain.body(), UTF_8));
        assertThat(fromXml.getEntry()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(fromXml.getEntry().get(i).getResource().equalsDeep(fromJson.getEntry().get(i).getResource()))
                    .as("entry %d", i).isTrue();
        }
        assertThat(pagesFromStoredBytes() - before).isEqualTo(2);
    }

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode withoutIdAndLinks(JsonNode bundle) {
        ((ObjectNode) bundle).remove(List.of("id", "link"));
        return bundle;
    }

    HttpResponse<byte[]> get(String path, boolean gzip) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + (path.startsWith("?") ? "" : "/")
                + path)).header("Accept", "application/fhir+json");
        if (gzip) {
            request.header("Accept-Encoding", "gzip");
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    double pagesFromStoredBytes() throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        return metrics.body().lines().filter(line -> line.startsWith("bbehr_fhir_search_pages_from_stored_bytes_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void includeAndRevincludeShouldAddTheReferencedAndReferencingResources() {
        // given
        String p = patient("Inclfixture", "Ike", "1979-09-09");
        String o = observation(p, "8867-4", "2024-03-01", null);

        // when
        Bundle included = client.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + p)).include(Observation.INCLUDE_SUBJECT)
                .returnBundle(Bundle.class).execute();
        Bundle revIncluded = client.search().forResource(Patient.class).where(Patient.RES_ID.exactly().code(p))
                .revInclude(Observation.INCLUDE_SUBJECT).returnBundle(Bundle.class).execute();

        // then
        assertThat(included.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless()
                .getValue() + " " + e.getSearch().getMode().toCode())
                .containsExactlyInAnyOrder("Observation/" + o + " match", "Patient/" + p + " include");
        assertThat(revIncluded.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless()
                .getValue() + " " + e.getSearch().getMode().toCode())
                .containsExactlyInAnyOrder("Patient/" + p + " match", "Observation/" + o + " include");
        assertThat(included.getTotal()).isEqualTo(1);
    }

    @Test
    void sortShouldOrderByDateOrIdEitherWay() {
        // given
        String p = patient("Sortfixture", "Sol", "1980-10-10");
        String march = observation(p, "8867-4", "2024-03-01", null);
        String january = observation(p, "8867-4", "2024-01-01", null);
        String may = observation(p, "8867-4", "2024-05-01", null);
        String mine = "Observation?subject=Patient/" + p;

        // then
        assertThat(ids(mine + "&_sort=date")).containsExactly(january, march, may);
        assertThat(ids(mine + "&_sort=-date")).containsExactly(may, march, january);
        assertThat(ids(mine + "&_sort=_id")).isSorted();
        assertThatThrownBy(() -> ids("Patient?_sort=name")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("protected");
    }

    @Test
    void summaryCountAndElementsShouldShapeTheResult() {
        // given
        String p = patient("Summfixture", "Sam", "1981-11-11");
        observation(p, "8867-4", "2024-03-01", 70.0);
        observation(p, "8867-4", "2024-03-02", 71.0);

        // when
        Bundle count = client.search().byUrl("Observation?subject=Patient/" + p).summaryMode(SummaryEnum.COUNT)
                .returnBundle(Bundle.class).execute();
        Bundle elements = client.search().byUrl("Observation?subject=Patient/" + p).elementsSubset("status")
                .returnBundle(Bundle.class).execute();

        // then
        assertThat(count.getTotal()).isEqualTo(2);
        assertThat(count.getEntry()).isEmpty();
        assertThat(elements.getEntry()).hasSize(2).allSatisfy(e -> {
            Observation o = (Observation) e.getResource();
            assertThat(o.hasStatus()).isTrue();
            assertThat(o.hasValue()).isFalse();
        });
    }

    @Test
    void unknownParameterShouldBeIgnoredAndReportedUnlessHandlingIsStrict() {
        // given
        String p = patient("Strictfixture", "Stu", "1982-12-12");
        String o = observation(p, "8867-4", "2024-03-01", null);

        // when
        Bundle lenient = client.search().byUrl("Observation?subject=Patient/" + p + "&favourite-colour=blue")
                .returnBundle(Bundle.class).execute();

        // then
        assertThat(matches(lenient)).containsExactly(o);
        List<IBaseResource> outcomes = lenient.getEntry().stream()
                .filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.OUTCOME)
                .map(e -> (IBaseResource) e.getResource()).toList();
        assertThat(outcomes).singleElement().isInstanceOfSatisfying(OperationOutcome.class,
                oo -> assertThat(oo.getIssueFirstRep().getDiagnostics()).contains("favourite-colour")
                        .doesNotContain("blue"));
        assertThatThrownBy(() -> client.search().byUrl("Observation?subject=Patient/" + p + "&favourite-colour=blue")
                .withAdditionalHeader("Prefer", "handling=strict").returnBundle(Bundle.class).execute())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("EHR-1002");
    }

    @Test
    void updateAndDeleteShouldChangeWhatASearchFinds() {
        // given
        String p = patient("Updfixture", "Uma", "1983-01-13");
        String o = observation(p, "8867-4", "2024-03-01", null);
        Observation read = client.read().resource(Observation.class).withId(o).execute();
        read.setCode(new CodeableConcept(new Coding(LOINC, "8310-5", null)));

        // when
        client.update().resource(read).execute();

        // then
        String mine = "Observation?subject=Patient/" + p;
        assertThat(ids(mine + "&code=8867-4")).isEmpty();
        assertThat(ids(mine + "&code=8310-5")).containsExactly(o);
        client.delete().resourceById("Observation", o).execute();
        assertThat(ids(mine)).isEmpty();
    }

    @Test
    void postToSearchShouldWorkLikeGetAndForgottenPagesShouldBeGone() throws Exception {
        // given
        String p = patient("Postfixture", "Pat", "1985-03-15");
        String o = observation(p, "8867-4", "2024-03-01", null);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        // when
        var posted = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/Observation/_search"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/fhir+json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("subject=Patient%2F" + p + "&code=8867-4"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        var forgotten = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base()
                + "?_getpages=0f0e0d0c-no-such-search&_getpagesoffset=20")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        // then
        Bundle bundle = CONTEXT.newJsonParser().parseResource(Bundle.class, posted.body());
        assertThat(matches(bundle)).containsExactly(o);
        assertThat(forgotten.statusCode()).isEqualTo(410);
    }

    @Test
    void fuzzedQueryStringsShouldNeverGetA5xx() throws Exception {
        // given
        String p = patient("Fuzzfixture", "Fay", "1984-02-14");
        observation(p, "8867-4", "2024-03-01", 70.0);
        java.util.Random random = new java.util.Random(20261125);
        String[] types = {"Patient", "Observation", "Organization", "Encounter", "Condition"};
        String[] names = {"name", "family", "birthdate", "identifier", "code", "subject", "patient", "date",
            "value-quantity", "_id", "_lastUpdated", "_sort", "_count", "_include", "_revinclude", "_summary",
            "_elements", "_total", "status", "address-city", "phone", "url", "x", "", "_has", "subject.name"};
        String[] modifiers = {"", ":missing", ":not", ":exact", ":contains", ":below", ":Patient", ":text", ":",
            ":iterate", "::"};
        String[] values = {"", "true", "1980", "ge1980", "xx2024", "2024-13-45", "Patient/" + p, "a|b|c", "|", ",",
            "\\,", "%", "%25", "%ZZ", "-", "-date", "Observation:subject", "Patient:link:Patient", "*", "1e9999",
            "gt", "0", "-1", "99999999999", "http://x/y", "urn:uuid:1", "zo", "z", "\u0000", "'; DROP TABLE x;--",
            "a".repeat(300), "eq", "ap1.5|s|c", "2024-03-01T10:00:00+25:00"};
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        List<String> serverErrors = new ArrayList<>();

        // when
        for (int i = 0; i < 400; i++) {
            StringBuilder query = new StringBuilder(types[random.nextInt(types.length)]).append('?');
            for (int n = random.nextInt(4); n >= 0; n--) {
                query.append(names[random.nextInt(names.length)]).append(modifiers[random.nextInt(modifiers.length)])
                        .append('=').append(java.net.URLEncoder.encode(values[random.nextInt(values.length)],
                                java.nio.charset.StandardCharsets.UTF_8)).append('&');
            }
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/" + query))
                    .header("Prefer", random.nextBoolean() ? "handling=strict" : "handling=lenient").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                serverErrors.add(response.statusCode() + " " + query);
            }
        }

        // then
        assertThat(serverErrors).isEmpty();
    }

    @Test
    void capabilityStatementShouldListSearchParametersAndSayWhichAreProtected() {
        // when
        CapabilityStatement capabilities = client.capabilities().ofType(CapabilityStatement.class).execute();

        // then
        var patient = capabilities.getRestFirstRep().getResource().stream()
                .filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
        assertThat(patient.getSearchParam()).extracting(s -> s.getName())
                .contains("_id", "_lastUpdated", "name", "birthdate", "identifier", "gender", "address-city");
        assertThat(patient.getSearchParam()).filteredOn(s -> s.getName().equals("birthdate")).singleElement()
                .satisfies(s -> assertThat(s.getDocumentation()).contains("Protected field").contains("refused"));
        var observation = capabilities.getRestFirstRep().getResource().stream()
                .filter(r -> r.getType().equals("Observation")).findFirst().orElseThrow();
        assertThat(observation.getSearchParam()).extracting(s -> s.getName())
                .contains("code", "subject", "patient", "date", "value-quantity");
        assertThat(observation.getSearchInclude()).isNotEmpty();
        assertThat(capabilities.getRestFirstRep().getDocumentation()).contains("_total=accurate");
    }
}
