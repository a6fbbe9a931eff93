package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.bbehr.core.access.AllowAllPolicy;
import org.bbehr.core.access.NoOpAuditTrail;
import org.bbehr.core.access.RecordAccess;
import org.bbehr.core.consent.Category;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.memory.InMemoryRecordStore;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.StoredVersion;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * A Binary takes the labels of the DocumentReference that points to it (its attachment's {@code url} is
 * {@code Binary/{id}}), so a decision about the Binary needs no look at the DocumentReference.
 */
class AttachedBinaryLabelsTest {

    final InMemoryRecordStore store = new InMemoryRecordStore();
    final FhirRecords records = FhirRecords.of(FhirContext.forR4Cached(), new RecordAccess(new RecordAccess.Parts(
            store, store, Optional.empty(), new HmacBlindIndex(new byte[32]), AllowAllPolicy.INSTANCE,
            NoOpAuditTrail.INSTANCE)), RecordIntegrity.NONE);

    String create(org.hl7.fhir.r4.model.Resource resource) {
        return records.create(RequestActors.API, resource, null).version().key().id();
    }

    static Binary pdf() {
        Binary binary = new Binary();
        binary.setContentType("application/pdf");
        binary.setData(new byte[] {'%', 'P', 'D', 'F'});
        return binary;
    }

    static DocumentReference note(String patient, String binary, boolean restricted) {
        DocumentReference note = new DocumentReference();
        note.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        note.setSubject(new Reference("Patient/" + patient));
        note.addContent().getAttachment().setContentType("application/pdf").setUrl("Binary/" + binary);
        if (restricted) {
            note.getMeta().addSecurity(AccessLabeller.CONFIDENTIALITY, "R", "restricted");
        }
        return note;
    }

    StoredVersion binary(String id) {
        return store.findCurrent(new ResourceKey("Binary", id)).orElseThrow();
    }

    @Test
    void binaryShouldTakeTheCompartmentAndSensitivityOfTheDocumentReferencePointingToIt() {
        // given
        String alice = create(new Patient());
        String pdf = create(pdf());
        assertThat(binary(pdf).labels()).isEqualTo(new AccessLabels(Set.of(), Category.DOCUMENTS));

        // when
        create(note(alice, pdf, true));

        // then: relabelled, not a new version
        assertThat(binary(pdf).labels()).isEqualTo(new AccessLabels(Set.of(alice), Category.SENSITIVE));
        assertThat(binary(pdf).version()).isEqualTo(1);
    }

    @Test
    void binaryShouldNeverBeMadeLessStrictByALaterDocumentReference() {
        // given: a Binary of a restricted note of alice's
        String alice = create(new Patient());
        String bob = create(new Patient());
        String pdf = create(pdf());
        create(note(alice, pdf, true));

        // when: a plain note of bob's points to it too
        create(note(bob, pdf, false));

        // then
        assertThat(binary(pdf).labels()).isEqualTo(new AccessLabels(Set.of(alice, bob), Category.SENSITIVE));
    }

    @Test
    void newVersionOfABinaryShouldKeepTheLabelsItsDocumentReferenceGaveIt() {
        // given: a restricted note of alice's points to the Binary
        String alice = create(new Patient());
        String pdf = create(pdf());
        create(note(alice, pdf, true));

        // when: the Binary gets a new version
        Binary again = pdf();
        again.setId(new IdType("Binary", pdf));
        records.update(RequestActors.API, new ResourceKey("Binary", pdf), again, OptionalLong.empty());

        // then
        assertThat(binary(pdf).version()).isEqualTo(2);
        assertThat(binary(pdf).labels()).isEqualTo(new AccessLabels(Set.of(alice), Category.SENSITIVE));
    }

    @Test
    void documentReferenceToAMissingBinaryShouldChangeNothing() {
        // given
        String alice = create(new Patient());

        // when
        String note = create(note(alice, "no-such-binary", true));

        // then
        assertThat(store.findCurrent(new ResourceKey("DocumentReference", note))).isPresent();
        assertThat(store.findCurrent(new ResourceKey("Binary", "no-such-binary"))).isEmpty();
    }
}
