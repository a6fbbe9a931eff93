package org.bbehr.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * What the validation benchmark validates: the resources of {@value #PATIENTS} of {@link SyntheticRecords}'
 * transaction bundles (fictional patients in Synthea's shapes), each resource on its own, with profiles declared as
 * Synthea declares them: every vital sign its core vital-sign profile (so it is validated against that too), and
 * every resource of every other patient a US Core profile (which the node does not have). {@value #BROKEN} of them
 * are broken on purpose, so that validation has errors to find. The same on every run.
 */
final class ValidationRecords {

    static final int PATIENTS = 4;
    static final int BROKEN = 4;

    private static final long SEED = 20_240_301L;
    private static final String CORE = "http://hl7.org/fhir/StructureDefinition/";
    private static final String US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/";
    /** LOINC code of a vital sign: its core profile. */
    private static final Map<String, String> VITAL_SIGN_PROFILES = Map.of(
            "85354-9", "bp", "8867-4", "heartrate", "9279-1", "resprate", "8310-5", "bodytemp",
            "29463-7", "bodyweight", "8302-2", "bodyheight", "39156-5", "bmi", "2708-6", "oxygensat");
    /** Resource type, or Observation's category: the US Core profile. */
    private static final Map<String, String> US_CORE_PROFILES = Map.of(
            "Patient", "us-core-patient", "Encounter", "us-core-encounter",
            "Condition", "us-core-condition-encounter-diagnosis", "vital-signs", "us-core-vital-signs",
            "laboratory", "us-core-observation-lab", "MedicationRequest", "us-core-medicationrequest",
            "Procedure", "us-core-procedure", "Immunization", "us-core-immunization");

    private ValidationRecords() {}

    static List<Resource> generate(FhirContext context) {
        SyntheticRecords synthetic = new SyntheticRecords(new SplittableRandom(SEED));
        IParser json = context.newJsonParser();
        List<Resource> records = new ArrayList<>();
        for (int patient = 0; patient < PATIENTS; patient++) {
            boolean usCore = patient % 2 == 0;
            for (Bundle.BundleEntryComponent entry : json.parseResource(Bundle.class, synthetic.transactionBundle())
                    .getEntry()) {
                records.add(declareProfiles(entry.getResource(), usCore));
            }
        }
        breakOnPurpose(records);
        return records;
    }

    private static Resource declareProfiles(Resource resource, boolean usCore) {
        String kind = resource.fhirType();
        if (resource instanceof Observation observation) {
            kind = observation.getCategoryFirstRep().getCodingFirstRep().getCode();
            String vitalSign = VITAL_SIGN_PROFILES.get(observation.getCode().getCodingFirstRep().getCode());
            if (vitalSign != null) {
                resource.getMeta().addProfile(CORE + vitalSign);
            }
        }
        if (usCore) {
            resource.getMeta().addProfile(US_CORE + US_CORE_PROFILES.get(kind));
        }
        return resource;
    }

    /** A missing required element, a code outside a required binding, an unknown code, a missing vaccine code. */
    private static void breakOnPurpose(List<Resource> records) {
        nth(records, Observation.class, 7).setStatus(null);
        nth(records, Condition.class, 5).getClinicalStatus().getCodingFirstRep().setCode("not-a-status");
        nth(records, Encounter.class, 12).getClass_().setCode("NOT-AN-ACT-CODE");
        nth(records, Immunization.class, 10).setVaccineCode(null);
    }

    private static <T extends Resource> T nth(List<Resource> records, Class<T> type, int index) {
        return records.stream().filter(type::isInstance).map(type::cast).skip(index).findFirst().orElseThrow();
    }
}
