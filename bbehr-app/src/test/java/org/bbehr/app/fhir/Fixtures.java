package org.bbehr.app.fhir;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.hl7.fhir.r4.model.*;

/** Named synthetic resources (no real person's data), one per type the server is tested with. */
final class Fixtures {

    private Fixtures() {}

    /** A fixture: its name, and how to build it for a patient and a practitioner that exist on the server. */
    record Named(String name, Function<Refs, Resource> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** References to resources the fixtures point at. */
    record Refs(String patient, String practitioner) {}

    static Patient alicePatient() {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem("urn:oid:1.2.36.146.595.217.0.1").setValue("MRN-ALICE-0001");
        patient.addName().setFamily("Synthetic").addGiven("Alice");
        patient.setGender(Enumerations.AdministrativeGender.FEMALE);
        patient.setBirthDateElement(new DateType("1980-04-12"));
        return patient;
    }

    static Practitioner drBob() {
        Practitioner practitioner = new Practitioner();
        practitioner.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue("9999999901");
        practitioner.addName().setFamily("Example").addGiven("Bob").addPrefix("Dr");
        return practitioner;
    }

    static Organization stMarysHospital() {
        Organization organization = new Organization();
        organization.addIdentifier().setSystem("urn:bbehr:hospital").setValue("st-marys");
        organization.setName("St Mary's Synthetic Hospital");
        return organization;
    }

    static CodeableConcept snomed(String code, String display) {
        return new CodeableConcept(new Coding("http://snomed.info/sct", code, display));
    }

    static CodeableConcept loinc(String code, String display) {
        return new CodeableConcept(new Coding("http://loinc.org", code, display));
    }

    static List<Named> everyTestedType() {
        return List.of(
                new Named("Patient", r -> alicePatient()),
                new Named("Practitioner", r -> drBob()),
                new Named("PractitionerRole", r -> new PractitionerRole().setPractitioner(new Reference(r.practitioner()))
                        .addCode(snomed("158965000", "Medical practitioner"))),
                new Named("Organization", r -> stMarysHospital()),
                new Named("Encounter", r -> new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
                        .setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"))
                        .setSubject(new Reference(r.patient()))),
                new Named("Condition", r -> new Condition().setSubject(new Reference(r.patient()))
                        .setCode(snomed("44054006", "Diabetes mellitus type 2"))
                        .setOnset(new DateTimeType("2019-06-01"))),
                new Named("AllergyIntolerance", r -> new AllergyIntolerance().setPatient(new Reference(r.patient()))
                        .setCode(snomed("91936005", "Allergy to penicillin"))),
                new Named("MedicationRequest", r -> new MedicationRequest()
                        .setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
                        .setIntent(MedicationRequest.MedicationRequestIntent.ORDER)
                        .setMedication(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm",
                                "860975", "metformin 500 MG")))
                        .setSubject(new Reference(r.patient())).setRequester(new Reference(r.practitioner()))),
                new Named("MedicationStatement", r -> new MedicationStatement()
                        .setStatus(MedicationStatement.MedicationStatementStatus.ACTIVE)
                        .setMedication(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm",
                                "860975", "metformin 500 MG")))
                        .setSubject(new Reference(r.patient()))),
                new Named("Immunization", r -> new Immunization().setStatus(Immunization.ImmunizationStatus.COMPLETED)
                        .setVaccineCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/cvx", "140", "Influenza")))
                        .setPatient(new Reference(r.patient())).setOccurrence(new DateTimeType("2025-10-01"))),
                new Named("Procedure", r -> new Procedure().setStatus(Procedure.ProcedureStatus.COMPLETED)
                        .setSubject(new Reference(r.patient())).setCode(snomed("80146002", "Appendectomy"))),
                new Named("Observation", r -> new Observation().setStatus(Observation.ObservationStatus.FINAL)
                        .setCode(loinc("8867-4", "Heart rate")).setSubject(new Reference(r.patient()))
                        .setValue(new Quantity().setValue(72).setUnit("/min").setSystem("http://unitsofmeasure.org")
                                .setCode("/min"))),
                new Named("DiagnosticReport", r -> new DiagnosticReport()
                        .setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL)
                        .setCode(loinc("58410-2", "CBC panel")).setSubject(new Reference(r.patient()))),
                new Named("DocumentReference", r -> {
                    DocumentReference document = new DocumentReference()
                            .setStatus(Enumerations.DocumentReferenceStatus.CURRENT)
                            .setSubject(new Reference(r.patient()));
                    document.addContent().setAttachment(new Attachment().setContentType("text/plain")
                            .setData("synthetic discharge note".getBytes(StandardCharsets.UTF_8)));
                    return document;
                }),
                new Named("Binary", r -> new Binary().setContentType("text/plain")
                        .setData("synthetic binary".getBytes(StandardCharsets.UTF_8))),
                new Named("CarePlan", r -> new CarePlan().setStatus(CarePlan.CarePlanStatus.ACTIVE)
                        .setIntent(CarePlan.CarePlanIntent.PLAN).setSubject(new Reference(r.patient()))),
                new Named("Consent", r -> new Consent().setStatus(Consent.ConsentState.ACTIVE)
                        .setScope(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/consentscope",
                                "patient-privacy", "Privacy Consent")))
                        .addCategory(loinc("59284-0", "Patient Consent")).setPatient(new Reference(r.patient()))),
                new Named("Provenance", r -> {
                    Provenance provenance = new Provenance().setRecorded(new Date());
                    provenance.addTarget(new Reference(r.patient()));
                    provenance.addAgent().setWho(new Reference(r.practitioner()));
                    return provenance;
                }));
    }
}
