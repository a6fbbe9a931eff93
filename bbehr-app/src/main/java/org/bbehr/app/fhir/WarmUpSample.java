package org.bbehr.app.fhir;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/** What {@link ProfileValidator#warmUp()} validates: a synthetic heart rate, no real person's data. */
final class WarmUpSample {

    private WarmUpSample() {}

    /** A heart rate that declares the core vital-sign profile: a profile, a LOINC code, a UCUM quantity. */
    static Observation heartRate() {
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        observation.getMeta().addProfile("http://hl7.org/fhir/StructureDefinition/heartrate");
        observation.addCategory(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")));
        observation.setCode(new CodeableConcept(new Coding("http://loinc.org", "8867-4", "Heart rate")));
        observation.setSubject(new Reference("Patient/warm-up"));
        observation.setEffective(new DateTimeType("2024-01-01T00:00:00Z"));
        observation.setValue(new Quantity().setValue(60).setUnit("beats/minute")
                .setSystem("http://unitsofmeasure.org").setCode("/min"));
        return observation;
    }
}
