package org.bbehr.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.bbehr.app.search.FhirSearch;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.access.Actor;
import org.bbehr.core.access.RecordAccess;
import org.bbehr.core.anchor.AnchorState;
import org.bbehr.core.anchor.AnchorStates;
import org.bbehr.core.anchor.AnchoredReads.AnchoredVersion;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR interactions on the records, all through the one door ({@link RecordAccess}) for the acting {@link Actor}: every
 * write validated, serialized once to the exact bytes that are stored, indexed and labelled for access decisions;
 * every read parsed from those bytes with the version's id and time added to {@code meta}.
 */
public final class FhirRecords {

    /** The result of a write: the stored version and whether it created the resource. */
    public record Written(StoredVersion version, boolean created, IBaseResource resource) {}

    private final FhirContext context;
    private final RecordAccess access;
    private final IndexExtractor indexer;
    private final AccessLabeller labeller;
    private final StructuralValidator validator;
    private final ConditionalCriteria criteria;
    private final RecordIntegrity integrity;
    /** At most 4 compartment operations at once: each may decrypt up to 10,000 resources. */
    private final HeavyOperations heavy = new HeavyOperations(4);

    private final FhirSearch search;

    /** The records of a node behind its door, with the anchoring shown on read and checked by {@code $verify}. */
    public static FhirRecords of(FhirContext context, RecordAccess access, RecordIntegrity integrity) {
        return new FhirRecords(context, access, new IndexExtractor(context, access.blindIndex()), integrity);
    }

    FhirRecords(FhirContext context, RecordAccess access, IndexExtractor indexer, RecordIntegrity integrity) {
        this.context = context;
        this.access = access;
        this.indexer = indexer;
        this.labeller = new AccessLabeller(indexer.searchIndexer());
        this.validator = new StructuralValidator(context);
        this.search = new FhirSearch(context, access, indexer.searchIndexer(), access.blindIndex(),
                indexer::identifierQueryTokens, this::searchReader);
        this.criteria = new ConditionalCriteria(search);
        this.integrity = integrity;
    }

    RecordIntegrity integrity() {
        return integrity;
    }

    /** The node's FHIR search. */
    public FhirSearch search() {
        return search;
    }


    public FhirContext context() {
        return context;
    }

    /** The door every record passes through. */
    RecordAccess access() {
        return access;
    }

    ConditionalCriteria criteria() {
        return criteria;
    }

    public Written create(Actor actor, IBaseResource resource, String ifNoneExist) {
        String type = resource.fhirType();
        ResourceKey[] existing = {null};
        List<StoredVersion> stored = access.write(actor, () -> {
            if (ifNoneExist != null && !ifNoneExist.isBlank()) {
                Optional<ResourceKey> match = criteria.resolveAtMostOne(actor, type, ifNoneExist, "If-None-Exist");
                if (match.isPresent()) {
                    existing[0] = match.get();
                    return List.of();
                }
            }
            return withAttachedBinaries(actor, List.of(prepare(actor, new ResourceKey(type, newId()), resource,
                    OptionalLong.of(0), false)));
        });
        if (existing[0] != null) {
            StoredVersion found = current(actor, existing[0]);
            return new Written(found, false, toResource(found));
        }
        return new Written(stored.getFirst(), true, toResource(stored.getFirst()));
    }

    public Written update(Actor actor, ResourceKey key, IBaseResource resource, OptionalLong ifMatch) {
        String bodyId = resource.getIdElement().getIdPart();
        if (bodyId == null || !bodyId.equals(key.id())) {
            throw new InvalidRequestException("the resource's id (" + bodyId + ") must equal the id in the URL ("
                    + key.id() + ")");
        }
        StoredVersion stored = access.write(actor, () -> withAttachedBinaries(actor,
                List.of(prepare(actor, key, resource, ifMatch, false)))).getFirst();
        return new Written(stored, stored.version() == 1, toResource(stored));
    }

    /**
     * The index entries of a stored version, made again from its content with the blind index's current primary key:
     * what a blind-index key rotation stores in place of the old ones.
     */
    public org.bbehr.core.record.IndexEntries indexEntriesOf(StoredVersion stored) {
        return indexer.extract(parse(stored));
    }

    /**
     * Deletes the resource; deleting one that is missing, already deleted or hidden from the actor changes nothing
     * (and answers the same).
     */
    public OptionalLong delete(Actor actor, ResourceKey key, OptionalLong ifMatch) {
        var current = access.findCurrent(actor, key);
        if (current.isEmpty() || current.get().deleted()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(access.write(actor, () -> List.of(new ResourceWrite.Delete(key, ifMatch))).getFirst()
                .version());
    }

    public IBaseResource read(Actor actor, ResourceKey key) {
        AnchoredVersion read = readCurrent(actor, key);
        return toResource(read.version(), read.anchor());
    }

    public IBaseResource vread(Actor actor, ResourceKey key, long version) {
        AnchoredVersion read = readVersion(actor, key, version);
        return toResource(read.version(), read.anchor());
    }

    /** A version that is not a deletion, with its anchoring: one look-up where the store can. */
    AnchoredVersion readVersion(Actor actor, ResourceKey key, long version) {
        AnchoredVersion read = access.findVersionAnchored(actor, key, version).orElse(null);
        checkedVersion(key, version, read == null ? null : read.version());
        return read;
    }

    private static StoredVersion checkedVersion(ResourceKey key, long version, StoredVersion stored) {
        if (stored == null) {
            throw new ResourceNotFoundException("no version " + version + " of " + key);
        }
        if (stored.deleted()) {
            throw new ResourceGoneException("version " + version + " of " + key + " is a deletion");
        }
        return stored;
    }

    /**
     * The keys of the patient, every current resource that references it, and what those reference in turn, at most
     * {@code max} of them; a page of them is read with {@link #current(Actor, List)}.
     *
     * @throws BbehrException {@code RESULT_TOO_LARGE} when the patient's records hold more
     */
    public List<ResourceKey> everything(Actor actor, ResourceKey patient, int max) {
        Set<ResourceKey> keys = new LinkedHashSet<>();
        keys.add(patient);
        current(actor, patient);
        List<ResourceKey> referencing = access.findReferencing(actor, patient);
        if (referencing.size() + 1 > max) {
            throw tooMuchForEverything(referencing.size() + 1, max);
        }
        keys.addAll(referencing);
        for (ResourceKey key : referencing) {
            access.findCurrent(actor, key).ifPresent(v -> keys.addAll(indexer.localReferences(parse(v))));
            if (keys.size() > max) {
                throw tooMuchForEverything(keys.size(), max);
            }
        }
        // only what exists and the actor may see, so that the total is right
        List<ResourceKey> all = List.copyOf(keys);
        List<ResourceKey> live = new ArrayList<>();
        for (int from = 0; from < all.size(); from += 500) {
            access.findLive(actor, all.subList(from, Math.min(all.size(), from + 500))).forEach(v -> live.add(v.key()));
        }
        return live;
    }

    private static BbehrException tooMuchForEverything(int found, int max) {
        return new BbehrException(ErrorCode.RESULT_TOO_LARGE, "the patient's records are more than the " + max
                + " resources one $everything gathers (at least " + found + "); search them by type instead, e.g."
                + " Observation?patient=…, which pages without a limit");
    }

    /** The current versions of {@code keys} (none for a deleted or hidden one), as resources, in that order. */
    List<IBaseResource> current(Actor actor, List<ResourceKey> keys) {
        List<StoredVersion> versions = new ArrayList<>();
        for (ResourceKey key : keys) {
            access.findCurrent(actor, key).filter(v -> !v.deleted()).ifPresent(versions::add);
        }
        return toResources(versions);
    }

    /**
     * Verifies every version of a resource, or, for a Patient, of everything in its compartment (the patient and
     * the current resources that reference it), listing each version.
     */
    public org.hl7.fhir.r4.model.Parameters verify(Actor actor, ResourceKey key) {
        return heavy.compartment("$verify", () -> verifyCompartment(actor, key));
    }

    private org.hl7.fhir.r4.model.Parameters verifyCompartment(Actor actor, ResourceKey key) {
        List<ResourceKey> keys = new ArrayList<>();
        keys.add(key);
        if (key.type().equals("Patient")) {
            keys.addAll(access.findReferencing(actor, key));
        }
        var verifier = integrity.verifier();
        var scope = org.bbehr.core.verify.VerifyScope.of(keys);
        if (verifier.count(scope) == 0) {
            throw new ResourceNotFoundException(new IdType(key.type(), key.id()));
        }
        return VerifyParameters.of(verifier.verify(scope, true, done -> { }));
    }

    /**
     * What a third party needs to check one version without this node: its exact stored bytes, its salt, the leaf's
     * fields, the root and the proof, and the contract to ask.
     */
    public org.hl7.fhir.r4.model.Parameters proof(Actor actor, ResourceKey key, long version) {
        // the proof carries the version's exact bytes: only for an actor that may read it
        version(actor, key, version);
        var found = new java.util.ArrayList<org.bbehr.core.verify.VersionEvidence>();
        integrity.evidence().forEachPage(org.bbehr.core.verify.VerifyScope.of(List.of(key)),
                page -> page.stream().filter(e -> e.version() == version).forEach(found::add));
        if (found.isEmpty()) {
            throw new ResourceNotFoundException("no version " + version + " of " + key);
        }
        return ProofParameters.of(found.getFirst(), integrity.recordAnchor());
    }

    /** Verifies every version in the store, listing those not verified. */
    public org.hl7.fhir.r4.model.Parameters verifyAll() {
        return heavy.wholeStore("$verify", () -> VerifyParameters.of(integrity.verifier().verify(
                org.bbehr.core.verify.VerifyScope.everything(), false, done -> { })));
    }

    /** How many of the operations over a compartment or the whole store may run at once. */
    HeavyOperations heavy() {
        return heavy;
    }

    /** Validates, serializes, indexes and labels a resource for a write, without writing it. */
    ResourceWrite.Put prepare(Actor actor, ResourceKey key, IBaseResource resource, OptionalLong expected,
            boolean inTransaction) {
        return prepareValidated(actor, key, resource, expected, Set.of(), validate(resource, inTransaction));
    }

    /**
     * The structural checks of every write (a 422 listing every problem); returns the resource's references, found on
     * the same walk.
     */
    List<IBaseReference> validate(IBaseResource resource, boolean inTransaction) {
        return validator.validate(resource, inTransaction);
    }

    /**
     * Serializes, indexes and labels a resource that {@link #validate} passed, whose {@code references} it returned:
     * each must name a resource that exists and that the actor may see, or one of {@code writtenAlongside}, those the
     * same transaction writes (a hidden target gets the same answer as one that does not exist).
     */
    ResourceWrite.Put prepareValidated(Actor actor, ResourceKey key, IBaseResource resource, OptionalLong expected,
            Set<ResourceKey> writtenAlongside, List<IBaseReference> references) {
        ResourceWrite.Put put = serialize(actor, key, resource, expected, references);
        for (ResourceKey target : put.index().references()) {
            if (!target.equals(key) && !writtenAlongside.contains(target) && !access.isLive(actor, target)) {
                throw new InvalidRequestException(resource.fhirType() + " references " + target
                        + ", which does not exist on this server");
            }
        }
        return put;
    }

    private ResourceWrite.Put serialize(Actor actor, ResourceKey key, IBaseResource resource, OptionalLong expected,
            List<IBaseReference> references) {
        resource.setId(new IdType(key.type(), key.id()));
        Meta meta = ((Resource) resource).getMeta();
        meta.setVersionId(null);
        meta.setLastUpdatedElement(null);
        AnchorMeta.strip(meta);
        if (meta.isEmpty()) {
            ((Resource) resource).setMeta(null);
        }
        byte[] content = jsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
        var index = indexer.extract(resource, Optional.of(references));
        ResourceKey context = AccessLabeller.securityContextOf(resource);
        var contextLabels = context == null ? null
                : access.findCurrent(actor, context).map(StoredVersion::labels).orElse(null);
        AccessLabels own = labeller.labels(key, resource, index, contextLabels);
        // a Binary keeps what the DocumentReferences pointing to it gave its current version (withAttachedBinaries)
        AccessLabels labels = !key.type().equals("Binary") ? own : access.findCurrent(actor, key)
                .filter(v -> !v.deleted()).map(v -> AccessLabeller.keepingCurrent(own, v.labels())).orElse(own);
        return new ResourceWrite.Put(key, expected, content, index, labels);
    }

    /**
     * The batch, with every Binary that one of its DocumentReferences points to labelled as that DocumentReference
     * (AccessLabeller#attachedTo): a Binary written in the same batch by its put, an existing one by a relabel after
     * the batch's other writes (so the results of those keep their order). A Binary the actor may not see, or that
     * does not exist, is left alone.
     */
    List<ResourceWrite> withAttachedBinaries(Actor actor, List<ResourceWrite> writes) {
        if (writes.stream().noneMatch(w -> w instanceof ResourceWrite.Put && w.key().type().equals(
                "DocumentReference"))) {
            return writes;
        }
        List<ResourceWrite> labelled = new ArrayList<>(writes);
        Map<ResourceKey, AccessLabels> stored = new HashMap<>();
        Map<ResourceKey, AccessLabels> relabels = new LinkedHashMap<>();
        for (ResourceWrite write : writes) {
            if (!(write instanceof ResourceWrite.Put document) || !document.key().type().equals("DocumentReference")) {
                continue;
            }
            var parsed = jsonParser().parseResource(DocumentReference.class,
                    new String(document.content(), StandardCharsets.UTF_8));
            for (ResourceKey binary : AccessLabeller.attachedBinaries(parsed)) {
                int inBatch = lastPutOf(labelled, binary);
                if (inBatch >= 0) {
                    ResourceWrite.Put put = (ResourceWrite.Put) labelled.get(inBatch);
                    labelled.set(inBatch, new ResourceWrite.Put(put.key(), put.expectedVersion(), put.content(),
                            put.index(), AccessLabeller.attachedTo(put.labels(), document.labels())));
                    continue;
                }
                if (!stored.containsKey(binary)) {
                    access.findCurrent(actor, binary).filter(v -> !v.deleted())
                            .ifPresent(v -> stored.put(binary, v.labels()));
                }
                AccessLabels now = relabels.getOrDefault(binary, stored.get(binary));
                if (now != null) {
                    relabels.put(binary, AccessLabeller.attachedTo(now, document.labels()));
                }
            }
        }
        relabels.forEach((binary, labels) -> {
            if (!labels.equals(stored.get(binary))) {
                labelled.add(new ResourceWrite.Relabel(binary, labels));
            }
        });
        return labelled;
    }

    private static int lastPutOf(List<ResourceWrite> writes, ResourceKey key) {
        for (int i = writes.size() - 1; i >= 0; i--) {
            if (writes.get(i).key().equals(key)) {
                return writes.get(i) instanceof ResourceWrite.Put ? i : -1;
            }
        }
        return -1;
    }

    /** The stored bytes as a resource, with the version's id, time and anchoring in {@code meta}. */
    public IBaseResource toResource(StoredVersion stored) {
        return toResource(stored, anchorOf(stored));
    }

    IBaseResource toResource(StoredVersion stored, Optional<AnchorState> anchor) {
        Resource resource = (Resource) parse(stored);
        resource.setId(new IdType(stored.key().type(), stored.key().id(), Long.toString(stored.version())));
        resource.getMeta().setVersionId(Long.toString(stored.version()));
        resource.getMeta().setLastUpdatedElement(StoredJsonResponses.lastUpdated(stored));
        anchor.ifPresent(state -> AnchorMeta.add(resource.getMeta(), state));
        return resource;
    }

    /**
     * How the pages of the search that {@code request} starts read their resources: as stubs that
     * {@link StoredJsonBundles} answers from the stored bytes, when every interceptor leaves reads alone and nothing
     * is included by following the resources' references (which needs their content); else parsed.
     */
    Function<List<ResourceKey>, List<IBaseResource>> searchReader(RequestDetails request) {
        boolean stubs = StoredJsonResponses.everyInterceptorLeavesReadsAlone(request)
                && request.getParameters().keySet().stream().noneMatch(name -> name.startsWith("_include"));
        Actor actor = RequestActors.of(request);
        return keys -> stubs ? toStubs(access.findLive(actor, keys)) : toResources(access.findLive(actor, keys));
    }

    /** Versions as stubs carrying their stored bytes, or as resources where the bytes cannot be written as they are. */
    private List<IBaseResource> toStubs(List<StoredVersion> versions) {
        var anchors = integrity.statesOf(versions.stream()
                .map(v -> new AnchorStates.Version(v.key(), v.version())).toList());
        return versions.stream().map(v -> {
            Optional<AnchorState> anchor = Optional.ofNullable(anchors.get(new AnchorStates.Version(v.key(),
                    v.version())));
            return StoredJsonBundles.stub(context, v, anchor).orElseGet(() -> toResource(v, anchor));
        }).toList();
    }

    /** Versions as resources, their anchoring looked up at once. */
    List<IBaseResource> toResources(List<StoredVersion> versions) {
        var anchors = integrity.statesOf(versions.stream()
                .map(v -> new AnchorStates.Version(v.key(), v.version())).toList());
        return versions.stream().map(v -> toResource(v,
                Optional.ofNullable(anchors.get(new AnchorStates.Version(v.key(), v.version()))))).toList();
    }

    /** A version's anchoring, if the node anchors. */
    Optional<AnchorState> anchorOf(StoredVersion stored) {
        return integrity.stateOf(stored.key(), stored.version());
    }

    /** The current version, if it is not a deletion. */
    StoredVersion current(Actor actor, ResourceKey key) {
        return checkedCurrent(key, access.findCurrent(actor, key).orElse(null));
    }

    /** A version that is not a deletion. */
    StoredVersion version(Actor actor, ResourceKey key, long version) {
        return checkedVersion(key, version, access.findVersion(actor, key, version).orElse(null));
    }

    /** The current version, if it is not a deletion, with its anchoring: one look-up where the store can. */
    AnchoredVersion readCurrent(Actor actor, ResourceKey key) {
        AnchoredVersion read = access.findCurrentAnchored(actor, key).orElse(null);
        checkedCurrent(key, read == null ? null : read.version());
        return read;
    }

    private static StoredVersion checkedCurrent(ResourceKey key, StoredVersion stored) {
        if (stored == null) {
            throw new ResourceNotFoundException(new IdType(key.type(), key.id()));
        }
        if (stored.deleted()) {
            throw new ResourceGoneException("Resource " + key + " was deleted (version " + stored.version() + ")");
        }
        return stored;
    }

    private IBaseResource parse(StoredVersion stored) {
        return jsonParser().parseResource(new String(stored.content(), StandardCharsets.UTF_8));
    }

    private IParser jsonParser() {
        return context.newJsonParser();
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }
}
