package org.bbehr.app.fhir;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.app.search.SearchIndexer;
import org.bbehr.core.consent.Category;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.IndexValue;
import org.bbehr.core.record.ResourceKey;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * The access labels of a version, made when it is written: the Patients whose R4 compartment it is in (from the
 * references its compartment parameters hold, already in its index entries) and its consent category (from its type,
 * an Observation's category, and {@link Category#SENSITIVE} from its security labels). A Binary takes the labels of
 * the resource its {@code securityContext} names, and of every DocumentReference whose attachment points to it. See
 * docs/access.md.
 */
final class AccessLabeller {

    static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    /**
     * Security labels that make a resource sensitive: restricted and very restricted confidentiality, and the HL7
     * sensitivity codes for mental health, HIV, sexually transmitted disease, substance use, sexual and reproductive
     * health and sexual violence.
     */
    static final Set<String> SENSITIVE_LABELS = Set.of("R", "V", "PSY", "PSYTHPN", "HIV", "STD", "SUD", "ETH", "ETHUD",
            "SEX", "SDV");

    private static final Map<String, Category> BY_TYPE = Map.ofEntries(
            Map.entry("Patient", Category.DEMOGRAPHICS), Map.entry("RelatedPerson", Category.DEMOGRAPHICS),
            Map.entry("Encounter", Category.ENCOUNTERS), Map.entry("EpisodeOfCare", Category.ENCOUNTERS),
            Map.entry("Appointment", Category.ENCOUNTERS),
            Map.entry("Condition", Category.CONDITIONS),
            Map.entry("AllergyIntolerance", Category.ALLERGIES),
            Map.entry("Medication", Category.MEDICATIONS), Map.entry("MedicationAdministration", Category.MEDICATIONS),
            Map.entry("MedicationDispense", Category.MEDICATIONS), Map.entry("MedicationRequest", Category.MEDICATIONS),
            Map.entry("MedicationStatement", Category.MEDICATIONS), Map.entry("MedicationKnowledge", Category.MEDICATIONS),
            Map.entry("Immunization", Category.MEDICATIONS),
            Map.entry("DiagnosticReport", Category.LABORATORY), Map.entry("Specimen", Category.LABORATORY),
            Map.entry("ServiceRequest", Category.LABORATORY),
            Map.entry("Procedure", Category.PROCEDURES), Map.entry("ImagingStudy", Category.PROCEDURES),
            Map.entry("DocumentReference", Category.DOCUMENTS), Map.entry("Binary", Category.DOCUMENTS),
            Map.entry("Composition", Category.DOCUMENTS),
            Map.entry("CarePlan", Category.CARE_PLANS), Map.entry("CareTeam", Category.CARE_PLANS),
            Map.entry("Goal", Category.CARE_PLANS),
            Map.entry("Claim", Category.FINANCIAL), Map.entry("ExplanationOfBenefit", Category.FINANCIAL),
            Map.entry("Coverage", Category.FINANCIAL));

    private final SearchIndexer indexer;

    AccessLabeller(SearchIndexer indexer) {
        this.indexer = indexer;
    }

    /**
     * The labels of {@code resource}, stored as {@code key}, whose index entries are {@code index}.
     *
     * @param securityContext for a Binary, the current labels of the resource its {@code securityContext} names (a
     *     DocumentReference, usually), whose category and compartment it takes; null when it names none
     */
    AccessLabels labels(ResourceKey key, IBaseResource resource, IndexEntries index, AccessLabels securityContext) {
        Set<String> compartment = new HashSet<>();
        if (key.type().equals("Patient")) {
            compartment.add(key.id());
        }
        Set<String> params = indexer.patientCompartmentParams(key.type());
        for (IndexValue value : index.values()) {
            if (value instanceof IndexValue.Reference reference && "Patient".equals(reference.targetType())
                    && reference.targetId() != null && params.contains(reference.param())) {
                compartment.add(reference.targetId());
            }
        }
        Category category = category(key.type(), resource);
        if (securityContext != null) {
            compartment.addAll(securityContext.compartment());
            if (category != Category.SENSITIVE) {
                category = securityContext.category();
            }
        }
        return new AccessLabels(compartment, category);
    }

    /** The resource a Binary's {@code securityContext} names on this server, if any. */
    static ResourceKey securityContextOf(IBaseResource resource) {
        if (resource instanceof Binary binary && binary.hasSecurityContext()
                && binary.getSecurityContext().getReferenceElement().hasIdPart()
                && binary.getSecurityContext().getReferenceElement().hasResourceType()
                && !binary.getSecurityContext().getReferenceElement().isAbsolute()) {
            var id = binary.getSecurityContext().getReferenceElement();
            return new ResourceKey(id.getResourceType(), id.getIdPart());
        }
        return null;
    }

    /** A local Binary's id in an attachment URL: {@code Binary/{id}}, optionally of a version. */
    private static final Pattern LOCAL_BINARY = Pattern.compile("Binary/([A-Za-z0-9\\-.]{1,64})(?:/_history/[0-9]+)?");

    /** The Binaries on this server that a DocumentReference's attachments point to ({@code url} = Binary/{id}). */
    static Set<ResourceKey> attachedBinaries(DocumentReference document) {
        Set<ResourceKey> binaries = new LinkedHashSet<>();
        for (DocumentReference.DocumentReferenceContentComponent content : document.getContent()) {
            String url = content.getAttachment().getUrl();
            Matcher local = url == null ? null : LOCAL_BINARY.matcher(url);
            if (local != null && local.matches()) {
                binaries.add(new ResourceKey("Binary", local.group(1)));
            }
        }
        return binaries;
    }

    /**
     * The labels of a Binary that a DocumentReference with {@code document}'s labels points to: in that document's
     * compartment too, and sensitive when either is. Only ever stricter, so a later, less strict DocumentReference
     * pointing to it does not loosen it.
     */
    static AccessLabels attachedTo(AccessLabels binary, AccessLabels document) {
        Set<String> compartment = new HashSet<>(binary.compartment());
        compartment.addAll(document.compartment());
        Category category = binary.category() == Category.SENSITIVE || document.category() == Category.SENSITIVE
                ? Category.SENSITIVE : Category.DOCUMENTS;
        return new AccessLabels(compartment, category);
    }

    /**
     * A Binary's new labels: its own, in its current version's compartment too and sensitive if that was, so a new
     * version of a Binary keeps what its DocumentReferences gave it.
     */
    static AccessLabels keepingCurrent(AccessLabels written, AccessLabels current) {
        Set<String> compartment = new HashSet<>(written.compartment());
        compartment.addAll(current.compartment());
        return new AccessLabels(compartment, current.category() == Category.SENSITIVE ? Category.SENSITIVE
                : written.category());
    }

    static Category category(String type, IBaseResource resource) {
        if (resource instanceof Resource r && r.getMeta().getSecurity().stream().anyMatch(AccessLabeller::sensitive)) {
            return Category.SENSITIVE;
        }
        if (resource instanceof Observation observation) {
            return observation.getCategory().stream().anyMatch(AccessLabeller::vitalSigns) ? Category.VITAL_SIGNS
                    : Category.LABORATORY;
        }
        return BY_TYPE.getOrDefault(type, Category.OTHER);
    }

    private static boolean sensitive(Coding label) {
        String system = label.getSystem();
        return SENSITIVE_LABELS.contains(label.getCode())
                && (system == null || system.equals(CONFIDENTIALITY) || system.equals(ACT_CODE));
    }

    private static boolean vitalSigns(CodeableConcept category) {
        return category.getCoding().stream().anyMatch(c -> "vital-signs".equals(c.getCode())
                && (c.getSystem() == null || c.getSystem().equals(OBSERVATION_CATEGORY)));
    }
}
