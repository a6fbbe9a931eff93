package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.annotation.Validate;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.ValidationModeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Optional;
import java.util.OptionalLong;
import org.bbehr.core.access.Actor;
import org.bbehr.core.anchor.AnchoredReads.AnchoredVersion;
import org.bbehr.core.record.ResourceKey;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;

/**
 * The REST interactions of one resource type. One class serves every R4 type: the server makes one instance per
 * type; Patient gets {@link PatientProvider}. Search serves every standard parameter (see docs/search.md).
 */
public class TypeProvider implements IResourceProvider {

    private final Class<? extends IBaseResource> type;
    protected final FhirRecords records;
    private final ProfileValidator profileValidator;

    public TypeProvider(Class<? extends IBaseResource> type, FhirRecords records, ProfileValidator profileValidator) {
        this.type = type;
        this.records = records;
        this.profileValidator = profileValidator;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return type;
    }

    @Create
    public MethodOutcome create(@ResourceParam IBaseResource resource, @ConditionalUrlParam String ifNoneExist,
            RequestDetails request) {
        profileValidator.validateIfRequested(resource, request);
        return outcome(records.create(RequestActors.of(request), resource, ifNoneExist));
    }

    @Read(version = true)
    public IBaseResource read(@IdParam IdType id, RequestDetails request) {
        ResourceKey key = key(id);
        Actor actor = RequestActors.of(request);
        AnchoredVersion read = id.hasVersionIdPart() ? records.readVersion(actor, key, versionOf(id))
                : records.readCurrent(actor, key);
        return StoredJsonResponses.stub(records.context(), read.version(), read.anchor(), request)
                .orElseGet(() -> records.toResource(read.version(), read.anchor()));
    }

    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam IBaseResource resource,
            @ConditionalUrlParam String conditional, RequestDetails request) {
        profileValidator.validateIfRequested(resource, request);
        Actor actor = RequestActors.of(request);
        if (conditional != null) {
            Optional<ResourceKey> match = records.criteria().resolveAtMostOne(actor, typeName(), conditional,
                    "conditional update");
            String targetId = match.map(ResourceKey::id).orElseGet(() -> resource.getIdElement().hasIdPart()
                    ? resource.getIdElement().getIdPart() : FhirRecords.newId());
            resource.setId(targetId);
            return outcome(records.update(actor, new ResourceKey(typeName(), targetId), resource,
                    OptionalLong.empty()));
        }
        OptionalLong ifMatch = id.hasVersionIdPart() ? OptionalLong.of(versionOf(id)) : OptionalLong.empty();
        return outcome(records.update(actor, key(id), resource, ifMatch));
    }

    @Delete
    public MethodOutcome delete(@IdParam IdType id, @ConditionalUrlParam String conditional, RequestDetails request) {
        Actor actor = RequestActors.of(request);
        if (conditional != null) {
            records.criteria().resolveAtMostOne(actor, typeName(), conditional, "conditional delete")
                    .ifPresent(key -> records.delete(actor, key, OptionalLong.empty()));
            return new MethodOutcome();
        }
        OptionalLong ifMatch = id.hasVersionIdPart() ? OptionalLong.of(versionOf(id)) : OptionalLong.empty();
        OptionalLong version = records.delete(actor, key(id), ifMatch);
        MethodOutcome outcome = new MethodOutcome();
        version.ifPresent(v -> outcome.setId(new IdType(typeName(), id.getIdPart(), Long.toString(v))));
        return outcome;
    }

    @History
    public IBundleProvider instanceHistory(@IdParam IdType id, @Since InstantType since, RequestDetails request) {
        ResourceKey key = key(id);
        Actor actor = RequestActors.of(request);
        records.access().findCurrent(actor, key).orElseThrow(() -> new ca.uhn.fhir.rest.server.exceptions
                .ResourceNotFoundException(id));
        return new HistoryBundle(records, actor, (offset, count) ->
                records.access().history(actor, key, HistoryBundle.instant(since), offset, count));
    }

    @History
    public IBundleProvider typeHistory(@Since InstantType since, RequestDetails request) {
        Actor actor = RequestActors.of(request);
        return new HistoryBundle(records, actor, (offset, count) ->
                records.access().typeHistory(actor, typeName(), HistoryBundle.instant(since), offset, count));
    }

    /** Every version of this resource (of a Patient: of its compartment) checked against the chain. */
    @ca.uhn.fhir.rest.annotation.Operation(name = "$verify", idempotent = true)
    public org.hl7.fhir.r4.model.Parameters verify(@IdParam IdType id, RequestDetails request) {
        return records.verify(RequestActors.of(request), key(id));
    }

    /** A version's stored bytes, salt and Merkle proof, for checking it against the chain without this node. */
    @ca.uhn.fhir.rest.annotation.Operation(name = "$proof", idempotent = true)
    public org.hl7.fhir.r4.model.Parameters proof(@IdParam IdType id,
            @ca.uhn.fhir.rest.annotation.OperationParam(name = "version") org.hl7.fhir.r4.model.IntegerType version,
            RequestDetails request) {
        ResourceKey key = key(id);
        Actor actor = RequestActors.of(request);
        long wanted = version != null && version.getValue() != null ? version.getValue()
                : records.current(actor, key).version();
        return records.proof(actor, key, wanted);
    }

    /** Every search of this type: the parameters are read from the request, so any standard one is understood. */
    @Search(allowUnknownParams = true)
    public IBundleProvider search(RequestDetails request) {
        return records.search().search(typeName(), RequestActors.of(request), request);
    }

    @Validate
    public MethodOutcome validate(@ResourceParam IBaseResource resource, @Validate.Mode ValidationModeEnum mode,
            @Validate.Profile String profile) {
        return profileValidator.validate(resource, profile);
    }

    protected String typeName() {
        return records.context().getResourceType(type);
    }

    protected ResourceKey key(IdType id) {
        if (!id.hasIdPart()) {
            throw new InvalidRequestException("a resource id is required");
        }
        return new ResourceKey(typeName(), id.getIdPart());
    }

    private static long versionOf(IdType id) {
        try {
            return Long.parseLong(id.getVersionIdPart());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("not a version number: " + id.getVersionIdPart());
        }
    }

    private static MethodOutcome outcome(FhirRecords.Written written) {
        MethodOutcome outcome = new MethodOutcome();
        var key = written.version().key();
        outcome.setId(new IdType(key.type(), key.id(), Long.toString(written.version().version())));
        outcome.setCreated(written.created());
        outcome.setResource(written.resource());
        return outcome;
    }
}
