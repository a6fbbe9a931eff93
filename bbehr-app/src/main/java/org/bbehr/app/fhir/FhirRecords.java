package org.bbehr.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.bbehr.app.search.FhirSearch;
import org.bbehr.core.anchor.AnchorState;
import org.bbehr.core.anchor.AnchorStates;
import org.bbehr.core.anchor.AnchoredReads.AnchoredVersion;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.search.RecordSearch;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR interactions on the record store: every write validated, serialized once to the exact bytes that are
 * stored, and indexed; every read parsed from those bytes with the version's id and time added to {@code meta}.
 */
public final class FhirRecords {

    /** The result of a write: the stored version and whether it created the resource. */
    public record Written(StoredVersion version, boolean created, IBaseResource resource) {}

    private final FhirContext context;
    private final RecordStore store;
    private final org.bbehr.core.crypto.BlindIndex blindIndex;
    private final IndexExtractor indexer;
    private final StructuralValidator validator;
    private final ConditionalCriteria criteria;
    private final RecordIntegrity integrity;

    private final FhirSearch search;

    /** The records of a node: its store and search index, and its blind index for protected values. */
    public static FhirRecords of(FhirContext context, RecordStore store, RecordSearch recordSearch,
            org.bbehr.core.crypto.BlindIndex blindIndex) {
        return of(context, store, recordSearch, blindIndex, RecordIntegrity.NONE);
    }

    /** The records of a node, with the anchoring shown on read and checked by {@code $verify}. */
    public static FhirRecords of(FhirContext context, RecordStore store, RecordSearch recordSearch,
            org.bbehr.core.crypto.BlindIndex blindIndex, RecordIntegrity integrity) {
        return new FhirRecords(context, store, recordSearch, blindIndex, new IndexExtractor(context, blindIndex),
                integrity);
    }

    FhirRecords(FhirContext context, RecordStore store, RecordSearch recordSearch,
            org.bbehr.core.crypto.BlindIndex blindIndex, IndexExtractor indexer, RecordIntegrity integrity) {
        this.context = context;
        this.store = store;
        this.blindIndex = blindIndex;
        this.indexer = indexer;
        this.validator = new StructuralValidator(context);
        this.criteria = new ConditionalCriteria(store, indexer);
        this.search = new FhirSearch(context, recordSearch, indexer.searchIndexer(), blindIndex,
                indexer::identifierQueryTokens, this::searchReader);
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

    RecordStore store() {
        return store;
    }

    ConditionalCriteria criteria() {
        return criteria;
    }

    public Written create(IBaseResource resource, String ifNoneExist) {
        return writing(() -> createNow(resource, ifNoneExist));
    }

    private Written createNow(IBaseResource resource, String ifNoneExist) {
        String type = resource.fhirType();
        if (ifNoneExist != null && !ifNoneExist.isBlank()) {
            List<ResourceKey> matches = criteria.resolve(type, ifNoneExist);
            if (matches.size() > 1) {
                throw new PreconditionFailedException("If-None-Exist matched " + matches.size() + " resources");
            }
            if (matches.size() == 1) {
                StoredVersion existing = current(matches.getFirst());
                return new Written(existing, false, toResource(existing));
            }
        }
        ResourceKey key = new ResourceKey(type, newId());
        StoredVersion stored = store.write(List.of(prepare(key, resource, OptionalLong.of(0), false))).getFirst();
        return new Written(stored, true, toResource(stored));
    }

    public Written update(ResourceKey key, IBaseResource resource, OptionalLong ifMatch) {
        String bodyId = resource.getIdElement().getIdPart();
        if (bodyId == null || !bodyId.equals(key.id())) {
            throw new InvalidRequestException("the resource's id (" + bodyId + ") must equal the id in the URL ("
                    + key.id() + ")");
        }
        StoredVersion stored = writing(() -> store.write(List.of(prepare(key, resource, ifMatch, false))).getFirst());
        return new Written(stored, stored.version() == 1, toResource(stored));
    }

    /**
     * Runs a write that makes blind-index tokens and stores them while the blind index's primary key cannot change,
     * so that a key rotation's re-index never misses tokens made under the old key.
     */
    <T> T writing(java.util.function.Supplier<T> write) {
        return blindIndex.withStablePrimary(write);
    }

    /**
     * The index entries of a stored version, made again from its content with the blind index's current primary key:
     * what a blind-index key rotation stores in place of the old ones.
     */
    public org.bbehr.core.record.IndexEntries indexEntriesOf(StoredVersion stored) {
        return indexer.extract(parse(stored));
    }

    /** Deletes the resource; deleting one that is missing or already deleted changes nothing. */
    public OptionalLong delete(ResourceKey key, OptionalLong ifMatch) {
        var current = store.findCurrent(key);
        if (current.isEmpty() || current.get().deleted()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(store.write(List.of(new ResourceWrite.Delete(key, ifMatch))).getFirst().version());
    }

    public IBaseResource read(ResourceKey key) {
        AnchoredVersion read = readCurrent(key);
        return toResource(read.version(), read.anchor());
    }

    public IBaseResource vread(ResourceKey key, long version) {
        AnchoredVersion read = readVersion(key, version);
        return toResource(read.version(), read.anchor());
    }

    /** A version that is not a deletion. */
    StoredVersion version(ResourceKey key, long version) {
        return checkedVersion(key, version, store.findVersion(key, version).orElse(null));
    }

    /** A version that is not a deletion, with its anchoring: one look-up where the store can. */
    AnchoredVersion readVersion(ResourceKey key, long version) {
        AnchoredVersion read = integrity.findVersion(store, key, version).orElse(null);
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

    /** The patient and every current resource that references it, and what those reference in turn. */
    public List<IBaseResource> everything(ResourceKey patient) {
        Set<ResourceKey> keys = new LinkedHashSet<>();
        keys.add(patient);
        current(patient);
        List<ResourceKey> referencing = store.findReferencing(patient);
        keys.addAll(referencing);
        for (ResourceKey key : referencing) {
            store.findCurrent(key).ifPresent(v -> keys.addAll(indexer.localReferences(parse(v))));
        }
        List<IBaseResource> resources = new ArrayList<>();
        for (ResourceKey key : keys) {
            store.findCurrent(key).filter(v -> !v.deleted()).map(this::toResource).ifPresent(resources::add);
        }
        return resources;
    }

    /**
     * Verifies every version of a resource, or, for a Patient, of everything in its compartment (the patient and
     * the current resources that reference it), listing each version.
     */
    public org.hl7.fhir.r4.model.Parameters verify(ResourceKey key) {
        List<ResourceKey> keys = new ArrayList<>();
        keys.add(key);
        if (key.type().equals("Patient")) {
            keys.addAll(store.findReferencing(key));
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
    public org.hl7.fhir.r4.model.Parameters proof(ResourceKey key, long version) {
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
        return VerifyParameters.of(integrity.verifier().verify(org.bbehr.core.verify.VerifyScope.everything(), false,
                done -> { }));
    }

    /** Validates, serializes and indexes a resource for a write, without writing it. */
    ResourceWrite.Put prepare(ResourceKey key, IBaseResource resource, OptionalLong expected, boolean inTransaction) {
        return prepareValidated(key, resource, expected, Set.of(), validate(resource, inTransaction));
    }

    /**
     * The structural checks of every write (a 422 listing every problem); returns the resource's references, found on
     * the same walk.
     */
    List<IBaseReference> validate(IBaseResource resource, boolean inTransaction) {
        return validator.validate(resource, inTransaction);
    }

    /**
     * Serializes and indexes a resource that {@link #validate} passed, whose {@code references} it returned: each must
     * name a resource that exists or one of {@code writtenAlongside}, those the same transaction writes.
     */
    ResourceWrite.Put prepareValidated(ResourceKey key, IBaseResource resource, OptionalLong expected,
            Set<ResourceKey> writtenAlongside, List<IBaseReference> references) {
        ResourceWrite.Put put = serialize(key, resource, expected, references);
        for (ResourceKey target : put.index().references()) {
            if (!target.equals(key) && !writtenAlongside.contains(target) && !store.isLive(target)) {
                throw new InvalidRequestException(resource.fhirType() + " references " + target
                        + ", which does not exist on this server");
            }
        }
        return put;
    }

    private ResourceWrite.Put serialize(ResourceKey key, IBaseResource resource, OptionalLong expected,
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
        return new ResourceWrite.Put(key, expected, content, indexer.extract(resource, Optional.of(references)));
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
        return keys -> stubs ? toStubs(store.findLive(keys)) : toResources(store.findLive(keys));
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
    StoredVersion current(ResourceKey key) {
        return checkedCurrent(key, store.findCurrent(key).orElse(null));
    }

    /** The current version, if it is not a deletion, with its anchoring: one look-up where the store can. */
    AnchoredVersion readCurrent(ResourceKey key) {
        AnchoredVersion read = integrity.findCurrent(store, key).orElse(null);
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
