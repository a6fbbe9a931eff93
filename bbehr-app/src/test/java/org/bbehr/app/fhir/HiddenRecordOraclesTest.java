package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.bbehr.core.access.AccessPolicy;
import org.bbehr.core.access.Action;
import org.bbehr.core.access.Actor;
import org.bbehr.core.access.Decision;
import org.bbehr.core.access.NoOpAuditTrail;
import org.bbehr.core.access.RecordAccess;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.memory.InMemoryRecordStore;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.search.AccessClause;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The FHIR writes of an actor from whom the policy hides something tell a hidden resource from a missing one by
 * nothing: a reference to it, a conditional create that would match it.
 */
class HiddenRecordOraclesTest {

    static final Actor DR_BOB = new Actor(Actor.Kind.USER, "dr-bob", Actor.Role.PRACTITIONER, Optional.of(1L),
            Optional.empty(), Purpose.TREATMENT, false);
    static final AccessClause ALICES = new AccessClause(Set.of("alice"), true, EnumSet.allOf(Category.class));

    /** Dr Bob sees Alice's records and what is in no patient's compartment; the node's actor sees everything. */
    static final AccessPolicy POLICY = new AccessPolicy() {
        @Override
        public Decision onType(Actor actor, Action action, String type) {
            return Decision.ALLOW;
        }

        @Override
        public Decision onRecord(Actor actor, Action action, ResourceKey key, AccessLabels labels) {
            return actor.isSystem() || ALICES.admits(labels) ? Decision.ALLOW : Decision.HIDE;
        }

        @Override
        public Optional<AccessClause> searchClause(Actor actor, String type) {
            return actor.isSystem() ? Optional.empty() : Optional.of(ALICES);
        }

        @Override
        public boolean seesEverything(Actor actor) {
            return actor.isSystem();
        }
    };

    final InMemoryRecordStore store = new InMemoryRecordStore();
    final FhirRecords records = FhirRecords.of(FhirContext.forR4Cached(), new RecordAccess(new RecordAccess.Parts(
            store, store, Optional.empty(), new HmacBlindIndex(new byte[32]), POLICY, NoOpAuditTrail.INSTANCE)),
            RecordIntegrity.NONE);

    @BeforeEach
    void twoPatientsAndCarolsHeartRate() {
        for (String id : new String[] {"alice", "carol"}) {
            Patient patient = new Patient();
            patient.setId(new IdType("Patient", id));
            records.update(RequestActors.API, new ResourceKey("Patient", id), patient, OptionalLong.empty());
        }
        Observation carols = heartRate("carol");
        carols.setId(new IdType("Observation", "hr-carol"));
        carols.addIdentifier().setSystem("https://lab.example/ids").setValue("hr-42");
        records.update(RequestActors.API, new ResourceKey("Observation", "hr-carol"), carols, OptionalLong.empty());
    }

    static Observation heartRate(String patient) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
        observation.setSubject(new Reference("Patient/" + patient));
        return observation;
    }

    @Test
    void referenceToAHiddenResourceShouldGetTheAnswerOfAReferenceToAMissingOne() {
        // given: two of Alice's observations, derived from Carol's (hidden from Bob) and from one that does not exist
        Observation fromHidden = heartRate("alice");
        fromHidden.addDerivedFrom(new Reference("Observation/hr-carol"));
        Observation fromMissing = heartRate("alice");
        fromMissing.addDerivedFrom(new Reference("Observation/hr-gone"));

        // when
        InvalidRequestException hidden = catchThrowableOfType(InvalidRequestException.class,
                () -> records.create(DR_BOB, fromHidden, null));
        InvalidRequestException missing = catchThrowableOfType(InvalidRequestException.class,
                () -> records.create(DR_BOB, fromMissing, null));

        // then: the same answer, but for the id that was sent
        assertThat(hidden).isNotNull();
        assertThat(missing).isNotNull();
        assertThat(hidden.getMessage().replace("hr-carol", "ID")).isEqualTo(missing.getMessage().replace("hr-gone",
                "ID"));
        assertThat(records.create(RequestActors.API, fromHidden, null).created()).isTrue();
    }

    @Test
    void conditionalCreateShouldTreatAHiddenMatchAsNoMatch() {
        // given: an observation of Alice's with the identifier of Carol's, which the node's actor finds
        Observation alices = heartRate("alice");
        alices.addIdentifier().setSystem("https://lab.example/ids").setValue("hr-42");
        FhirRecords.Written byTheNode = records.create(RequestActors.API, heartRate("alice"),
                "identifier=https://lab.example/ids|hr-42");
        assertThat(byTheNode.created()).isFalse();
        assertThat(byTheNode.version().key()).isEqualTo(new ResourceKey("Observation", "hr-carol"));

        // when
        FhirRecords.Written written = records.create(DR_BOB, alices, "identifier=https://lab.example/ids|hr-42");

        // then: created anew, Carol's neither returned nor touched
        assertThat(written.created()).isTrue();
        assertThat(written.version().key()).isNotEqualTo(new ResourceKey("Observation", "hr-carol"));
        assertThat(store.findCurrent(new ResourceKey("Observation", "hr-carol")).orElseThrow().version()).isEqualTo(1);
    }
}
