package org.bbehr.bench;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Fictional patient records in the shapes Synthea writes, as FHIR R4 JSON built in code: a transaction Bundle of
 * {@value #RESOURCES_PER_BUNDLE} resources per patient (the patient, encounters, conditions, vital-sign and laboratory
 * observations, medication requests, procedures and immunizations, linked by {@code urn:uuid:} references), and
 * single resources for plain creates. Every patient gets new identifiers; names, SSNs (999-…) and phone numbers
 * (555-…) are invalid by construction. Not thread-safe: one instance per client thread.
 */
final class SyntheticRecords {

    static final int RESOURCES_PER_BUNDLE = 50;
    static final String MRN_SYSTEM = "https://bbehr.example/fhir/sid/mrn";

    private static final int ENCOUNTERS = 5;
    private static final int CONDITIONS = 4;
    private static final int VITALS_PER_ENCOUNTER = 4;
    private static final int LABS_PER_ENCOUNTER = 2;
    private static final int MEDICATIONS = 4;
    private static final int PROCEDURES = 3;
    private static final int IMMUNIZATIONS = 3;

    private static final String SNOMED = "http://snomed.info/sct";
    private static final String LOINC = "http://loinc.org";
    private static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    private static final String CVX = "http://hl7.org/fhir/sid/cvx";

    private static final String[] GIVEN_FEMALE = {"Ana", "Beatriz", "Chloe", "Dalia", "Elena", "Freya", "Greta"};
    private static final String[] GIVEN_MALE = {"Aaron", "Bruno", "Carlos", "Dmitri", "Emil", "Felix", "Gustav"};
    private static final String[] FAMILY = {"Abbott", "Barros", "Castell", "Dunmore", "Ekwueme", "Farrow", "Gallo",
            "Haddad", "Iversen", "Jankowski", "Kowalczyk", "Lindqvist"};
    private static final String[] CITIES = {"Springfield", "Riverton", "Lakeside", "Fairview", "Greenville"};

    /** code, display: Synthea's common conditions. */
    private static final String[][] CONDITION_CODES = {
            {"44054006", "Diabetes mellitus type 2 (disorder)"}, {"38341003", "Hypertensive disorder, systemic arterial (disorder)"},
            {"15777000", "Prediabetes (finding)"}, {"195662009", "Acute viral pharyngitis (disorder)"},
            {"10509002", "Acute bronchitis (disorder)"}, {"162864005", "Body mass index 30+ - obesity (finding)"},
            {"40055000", "Chronic sinusitis (disorder)"}, {"444814009", "Viral sinusitis (disorder)"}};
    /** code, display. */
    private static final String[][] ENCOUNTER_TYPES = {
            {"185349003", "Encounter for check up (procedure)"}, {"185345009", "Encounter for symptom (procedure)"},
            {"390906007", "Follow-up encounter (procedure)"}, {"162673000", "General examination of patient (procedure)"}};
    /** code, display, UCUM unit, low, high (for a uniform random value). */
    private static final String[][] VITALS = {
            {"8867-4", "Heart rate", "/min", "55", "100"}, {"29463-7", "Body weight", "kg", "50", "110"},
            {"9279-1", "Respiratory rate", "/min", "12", "20"}, {"8302-2", "Body height", "cm", "150", "195"},
            {"8310-5", "Body temperature", "Cel", "36.1", "37.8"}, {"39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", "18", "35"},
            {"2708-6", "Oxygen saturation in Arterial blood", "%", "94", "100"}};
    /** code, display, UCUM unit, low, high, reference low, reference high. */
    private static final String[][] LABS = {
            {"2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", "65", "180", "70", "99"},
            {"4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", "4.5", "9.5", "4", "5.6"},
            {"38483-4", "Creatinine [Mass/volume] in Blood", "mg/dL", "0.6", "1.6", "0.7", "1.3"},
            {"2947-0", "Sodium [Moles/volume] in Blood", "mmol/L", "134", "146", "136", "145"},
            {"6298-4", "Potassium [Moles/volume] in Blood", "mmol/L", "3.4", "5.3", "3.5", "5.1"},
            {"2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", "140", "280", "100", "199"},
            {"718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", "11", "17", "12", "16"}};
    /** RxNorm code, display. */
    private static final String[][] MEDICATIONS_CODES = {
            {"860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"},
            {"314076", "lisinopril 10 MG Oral Tablet"}, {"197361", "amlodipine 5 MG Oral Tablet"},
            {"313782", "Acetaminophen 325 MG Oral Tablet"}, {"308182", "Amoxicillin 250 MG Oral Capsule"}};
    /** SNOMED code, display. */
    private static final String[][] PROCEDURE_CODES = {
            {"430193006", "Medication Reconciliation (procedure)"},
            {"710824005", "Assessment of health and social care needs (procedure)"},
            {"171207006", "Depression screening (procedure)"}, {"117015009", "Throat culture (procedure)"}};
    /** CVX code, display. */
    private static final String[][] VACCINES = {
            {"140", "Influenza, seasonal, injectable, preservative free"}, {"113", "Td (adult) preservative free"},
            {"133", "Pneumococcal conjugate PCV 13"}, {"43", "Hep B, adult"}};

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final SplittableRandom random;

    /** @param random this instance's own generator, e.g. split from a shared one (seeds that differ are not enough) */
    SyntheticRecords(SplittableRandom random) {
        this.random = random;
    }

    /** A transaction Bundle of one new patient's record: {@value #RESOURCES_PER_BUNDLE} resources. */
    String transactionBundle() {
        List<String> entries = new ArrayList<>(RESOURCES_PER_BUNDLE);
        String patientUrn = urn();
        String mrn = uuid();
        entries.add(entry(patientUrn, patient(mrn), "Patient",
                "\"ifNoneExist\":\"identifier=" + MRN_SYSTEM + "|" + mrn + "\","));
        Instant first = NOW.minus(365L * (1 + random.nextInt(8)), ChronoUnit.DAYS);
        List<String> encounterUrns = new ArrayList<>();
        List<Instant> encounterTimes = new ArrayList<>();
        for (int i = 0; i < ENCOUNTERS; i++) {
            Instant start = first.plus(i * 60L + random.nextInt(50), ChronoUnit.DAYS)
                    .plus(8 * 60 + random.nextInt(9 * 60), ChronoUnit.MINUTES);
            String encounterUrn = urn();
            encounterUrns.add(encounterUrn);
            encounterTimes.add(start);
            entries.add(entry(encounterUrn, encounter(patientUrn, start), "Encounter", ""));
        }
        List<String> conditionUrns = new ArrayList<>();
        for (int i = 0; i < CONDITIONS; i++) {
            int at = random.nextInt(ENCOUNTERS);
            String conditionUrn = urn();
            conditionUrns.add(conditionUrn);
            entries.add(entry(conditionUrn, condition(patientUrn, encounterUrns.get(at), encounterTimes.get(at),
                    CONDITION_CODES[(i * 2 + random.nextInt(2)) % CONDITION_CODES.length]), "Condition", ""));
        }
        for (int e = 0; e < ENCOUNTERS; e++) {
            Instant time = encounterTimes.get(e).plus(10, ChronoUnit.MINUTES);
            entries.add(entry(urn(), bloodPressure(patientUrn, encounterUrns.get(e), time), "Observation", ""));
            for (int v = 1; v < VITALS_PER_ENCOUNTER; v++) {
                String[] vital = v < 3 ? VITALS[v - 1] : VITALS[2 + random.nextInt(VITALS.length - 2)];
                entries.add(entry(urn(), vitalSign(patientUrn, encounterUrns.get(e), time, vital), "Observation", ""));
            }
            for (int l = 0; l < LABS_PER_ENCOUNTER; l++) {
                String[] lab = LABS[(e * LABS_PER_ENCOUNTER + l) % LABS.length];
                entries.add(entry(urn(), laboratory(patientUrn, encounterUrns.get(e), time.plus(1, ChronoUnit.HOURS),
                        lab), "Observation", ""));
            }
        }
        for (int i = 0; i < MEDICATIONS; i++) {
            int at = random.nextInt(ENCOUNTERS);
            entries.add(entry(urn(), medicationRequest(patientUrn, encounterUrns.get(at), encounterTimes.get(at),
                    conditionUrns.get(i % CONDITIONS), MEDICATIONS_CODES[random.nextInt(MEDICATIONS_CODES.length)]),
                    "MedicationRequest", ""));
        }
        for (int i = 0; i < PROCEDURES; i++) {
            int at = random.nextInt(ENCOUNTERS);
            entries.add(entry(urn(), procedure(patientUrn, encounterUrns.get(at), encounterTimes.get(at),
                    PROCEDURE_CODES[random.nextInt(PROCEDURE_CODES.length)]), "Procedure", ""));
        }
        for (int i = 0; i < IMMUNIZATIONS; i++) {
            int at = random.nextInt(ENCOUNTERS);
            entries.add(entry(urn(), immunization(patientUrn, encounterUrns.get(at), encounterTimes.get(at),
                    VACCINES[(i + random.nextInt(VACCINES.length)) % VACCINES.length]), "Immunization", ""));
        }
        if (entries.size() != RESOURCES_PER_BUNDLE) {
            throw new IllegalStateException("a bundle of " + entries.size() + " entries");
        }
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    /** A new patient for a plain {@code POST /Patient}. */
    String patient() {
        return patient(uuid());
    }

    /** A vital-sign observation of an existing patient, for a plain {@code POST /Observation}. */
    String vitalSign(String patientReference) {
        Instant time = NOW.minus(random.nextInt(3000), ChronoUnit.DAYS);
        return vitalSign(patientReference, null, time, VITALS[random.nextInt(VITALS.length)]);
    }

    /**
     * A Patient valid to the parser and the server's structural checks but not to the core profile: its contact
     * has neither details nor an organization (invariant pat-1), which only full profile validation detects.
     */
    String patientFailingProfile() {
        String patient = patient(uuid());
        return patient.substring(0, patient.length() - 1) + ",\"contact\":[{\"gender\":\"female\"}]}";
    }

    private String patient(String mrn) {
        boolean female = random.nextBoolean();
        String given = pick(female ? GIVEN_FEMALE : GIVEN_MALE) + random.nextInt(1000);
        String family = pick(FAMILY) + random.nextInt(1000);
        LocalDate birthDate = LocalDate.of(1935 + random.nextInt(85), 1 + random.nextInt(12), 1 + random.nextInt(28));
        boolean married = random.nextBoolean();
        return """
                {"resourceType":"Patient",\
                "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName","valueString":"%s"},\
                {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"city":"%s","state":"MA","country":"US"}}],\
                "identifier":[{"system":"%s","value":"%s"},\
                {"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"SS","display":"Social Security number"}]},\
                "system":"http://hl7.org/fhir/sid/us-ssn","value":"999-%02d-%04d"}],\
                "name":[{"use":"official","family":"%s","given":["%s"],"prefix":["%s"]}],\
                "telecom":[{"system":"phone","value":"555-%03d-%04d","use":"home"}],\
                "gender":"%s","birthDate":"%s",\
                "address":[{"line":["%d Synthetic Street"],"city":"%s","state":"MA","postalCode":"0%04d","country":"US"}],\
                "maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"%s","display":"%s"}],"text":"%s"},\
                "multipleBirthBoolean":false,\
                "communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"en-US","display":"English (United States)"}],"text":"English"}}]}"""
                .formatted(pick(FAMILY), pick(CITIES), MRN_SYSTEM, mrn, random.nextInt(100), random.nextInt(10000),
                        family, given, female ? "Mrs." : "Mr.", random.nextInt(1000), random.nextInt(10000),
                        female ? "female" : "male", birthDate, 1 + random.nextInt(999), pick(CITIES),
                        random.nextInt(10000), married ? "M" : "S", married ? "Married" : "Never Married",
                        married ? "Married" : "Never Married");
    }

    private String encounter(String patientUrn, Instant start) {
        String[] type = ENCOUNTER_TYPES[random.nextInt(ENCOUNTER_TYPES.length)];
        return """
                {"resourceType":"Encounter","identifier":[{"system":"https://bbehr.example/fhir/sid/encounter","value":"%s"}],\
                "status":"finished",\
                "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB","display":"ambulatory"},\
                "type":[{"coding":[{"system":"%s","code":"%s","display":"%s"}],"text":"%s"}],\
                "subject":{"reference":"%s"},\
                "period":{"start":"%s","end":"%s"}}"""
                .formatted(uuid(), SNOMED, type[0], type[1], type[1], patientUrn, start,
                        start.plus(15 + random.nextInt(45), ChronoUnit.MINUTES));
    }

    private String condition(String patientUrn, String encounterUrn, Instant onset, String[] code) {
        return """
                {"resourceType":"Condition",\
                "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},\
                "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}]},\
                "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"encounter-diagnosis","display":"Encounter Diagnosis"}]}],\
                "code":{"coding":[{"system":"%s","code":"%s","display":"%s"}],"text":"%s"},\
                "subject":{"reference":"%s"},"encounter":{"reference":"%s"},\
                "onsetDateTime":"%s","recordedDate":"%s"}"""
                .formatted(SNOMED, code[0], code[1], code[1], patientUrn, encounterUrn, onset, onset);
    }

    private String bloodPressure(String patientUrn, String encounterUrn, Instant time) {
        int systolic = 100 + random.nextInt(60);
        int diastolic = 60 + random.nextInt(35);
        return """
                {"resourceType":"Observation","status":"final",%s\
                "code":{"coding":[{"system":"%s","code":"85354-9","display":"Blood pressure panel with all children optional"}],"text":"Blood pressure panel with all children optional"},\
                "subject":{"reference":"%s"},"encounter":{"reference":"%s"},"effectiveDateTime":"%s","issued":"%s",\
                "component":[\
                {"code":{"coding":[{"system":"%s","code":"8462-4","display":"Diastolic blood pressure"}],"text":"Diastolic blood pressure"},\
                "valueQuantity":{"value":%d,"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}},\
                {"code":{"coding":[{"system":"%s","code":"8480-6","display":"Systolic blood pressure"}],"text":"Systolic blood pressure"},\
                "valueQuantity":{"value":%d,"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}]}"""
                .formatted(category("vital-signs", "Vital Signs"), LOINC, patientUrn, encounterUrn, time,
                        time.plusMillis(random.nextInt(1000)), LOINC, diastolic, LOINC, systolic);
    }

    private String vitalSign(String patientReference, String encounterUrn, Instant time, String[] vital) {
        return """
                {"resourceType":"Observation","status":"final",%s\
                "code":{"coding":[{"system":"%s","code":"%s","display":"%s"}],"text":"%s"},\
                "subject":{"reference":"%s"},%s"effectiveDateTime":"%s","issued":"%s",\
                "valueQuantity":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"}}"""
                .formatted(category("vital-signs", "Vital Signs"), LOINC, vital[0], vital[1], vital[1],
                        patientReference, encounterUrn == null ? "" : "\"encounter\":{\"reference\":\"" + encounterUrn + "\"},",
                        time, time.plusMillis(random.nextInt(1000)), value(vital[3], vital[4]), vital[2], vital[2]);
    }

    private String laboratory(String patientUrn, String encounterUrn, Instant time, String[] lab) {
        String value = value(lab[3], lab[4]);
        double number = Double.parseDouble(value);
        String interpretation = number < Double.parseDouble(lab[5]) ? "L"
                : number > Double.parseDouble(lab[6]) ? "H" : "N";
        String interpretationDisplay = switch (interpretation) {
            case "L" -> "Low";
            case "H" -> "High";
            default -> "Normal";
        };
        return """
                {"resourceType":"Observation","status":"final",%s\
                "code":{"coding":[{"system":"%s","code":"%s","display":"%s"}],"text":"%s"},\
                "subject":{"reference":"%s"},"encounter":{"reference":"%s"},"effectiveDateTime":"%s","issued":"%s",\
                "valueQuantity":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"},\
                "interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"%s","display":"%s"}]}],\
                "referenceRange":[{"low":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"},\
                "high":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"}}]}"""
                .formatted(category("laboratory", "Laboratory"), LOINC, lab[0], lab[1], lab[1], patientUrn,
                        encounterUrn, time, time.plus(2, ChronoUnit.HOURS), value, lab[2], lab[2], interpretation,
                        interpretationDisplay, lab[5], lab[2], lab[2], lab[6], lab[2], lab[2]);
    }

    private String medicationRequest(String patientUrn, String encounterUrn, Instant authored, String conditionUrn,
            String[] medication) {
        return """
                {"resourceType":"MedicationRequest","status":"active","intent":"order",\
                "medicationCodeableConcept":{"coding":[{"system":"%s","code":"%s","display":"%s"}],"text":"%s"},\
                "subject":{"reference":"%s"},"encounter":{"reference":"%s"},"authoredOn":"%s",\
                "reasonReference":[{"reference":"%s"}],\
                "dosageInstruction":[{"sequence":1,"text":"Take %d tablet(s) by mouth every %d hours",\
                "timing":{"repeat":{"frequency":1,"period":%d,"periodUnit":"h"}},"asNeededBoolean":false,\
                "doseAndRate":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/dose-rate-type","code":"ordered","display":"Ordered"}]},\
                "doseQuantity":{"value":%d}}]}]}"""
                .formatted(RXNORM, medication[0], medication[1], medication[1], patientUrn, encounterUrn, authored,
                        conditionUrn, 1 + random.nextInt(2), 8 * (1 + random.nextInt(3)), 8 * (1 + random.nextInt(3)),
                        1 + random.nextInt(2));
    }

    private String procedure(String patientUrn, String encounterUrn, Instant start, String[] code) {
        return """
                {"resourceType":"Procedure","status":"completed",\
                "code":{"coding":[{"system":"%s","code":"%s","display":"%s"}],"text":"%s"},\
                "subject":{"reference":"%s"},"encounter":{"reference":"%s"},\
                "performedPeriod":{"start":"%s","end":"%s"}}"""
                .formatted(SNOMED, code[0], code[1], code[1], patientUrn, encounterUrn,
                        start.plus(20, ChronoUnit.MINUTES), start.plus(35, ChronoUnit.MINUTES));
    }

    private String immunization(String patientUrn, String encounterUrn, Instant time, String[] vaccine) {
        return """
                {"resourceType":"Immunization","status":"completed",\
                "vaccineCode":{"coding":[{"system":"%s","code":"%s","display":"%s"}],"text":"%s"},\
                "patient":{"reference":"%s"},"encounter":{"reference":"%s"},\
                "occurrenceDateTime":"%s","primarySource":true,"lotNumber":"LOT-%06d"}"""
                .formatted(CVX, vaccine[0], vaccine[1], vaccine[1], patientUrn, encounterUrn,
                        time.plus(30, ChronoUnit.MINUTES), random.nextInt(1_000_000));
    }

    private static String category(String code, String display) {
        return "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
                + "\"code\":\"" + code + "\",\"display\":\"" + display + "\"}]}],";
    }

    private static String entry(String fullUrl, String resource, String type, String requestExtra) {
        return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource + ",\"request\":{\"method\":\"POST\","
                + requestExtra + "\"url\":\"" + type + "\"}}";
    }

    /** A value between the bounds, with as many decimals as the bounds have (at least one if they have any). */
    private String value(String low, String high) {
        double lo = Double.parseDouble(low);
        double hi = Double.parseDouble(high);
        double value = lo + random.nextDouble() * (hi - lo);
        boolean decimals = low.contains(".") || high.contains(".");
        return decimals ? String.format(Locale.ROOT, "%.1f", value) : Long.toString(Math.round(value));
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private String urn() {
        return "urn:uuid:" + uuid();
    }

    /** A version-4 UUID from this instance's generator (cheaper than the shared SecureRandom of UUID.randomUUID). */
    private String uuid() {
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}
