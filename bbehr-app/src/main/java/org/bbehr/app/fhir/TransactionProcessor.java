package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.bbehr.core.BbehrException;
import org.bbehr.core.access.Actor;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * Transaction and batch Bundles. A transaction is all or nothing: its entries are resolved (conditional creates,
 * conditional updates and deletes, conditional references such as {@code Practitioner?identifier=…}), its
 * {@code urn:uuid:} references rewritten to the ids the server assigns, then every write goes to the store in one
 * atomic batch. A batch runs each entry on its own.
 */
final class TransactionProcessor {

    /** One entry of a transaction once resolved: what to write (if anything) and how to answer. */
    private static final class Planned {
        final BundleEntryComponent entry;
        ResourceKey key;
        boolean matchedExisting;
        boolean noOp;

        Planned(BundleEntryComponent entry) {
            this.entry = entry;
        }
    }

    private final FhirRecords records;
    private final ProfileValidator profileValidator;

    TransactionProcessor(FhirRecords records, ProfileValidator profileValidator) {
        this.records = records;
        this.profileValidator = profileValidator;
    }

    Bundle process(Bundle bundle, RequestDetails request) {
        return switch (bundle.getType()) {
            case TRANSACTION -> transaction(bundle, request);
            case BATCH -> batch(bundle, request);
            default -> throw new InvalidRequestException("a Bundle posted to the server's base must be a transaction "
                    + "or a batch, not " + (bundle.getType() == null ? "untyped" : bundle.getType().toCode()));
        };
    }

    private Bundle transaction(Bundle bundle, RequestDetails request) {
        Actor actor = RequestActors.of(request);
        List<Planned> plans = new ArrayList<>();
        List<Planned> writing = new ArrayList<>();
        // planned and prepared inside the door's write, so its identifier tokens and search tokens are made under the
        // blind index's stable primary key
        List<StoredVersion> stored = records.access().write(actor,
                () -> records.withAttachedBinaries(actor, prepare(actor, bundle, request, plans, writing)));
        Map<Planned, StoredVersion> result = new HashMap<>();
        for (int i = 0; i < writing.size(); i++) {
            result.put(writing.get(i), stored.get(i));
        }
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (Planned plan : plans) {
            response.addEntry(respond(actor, plan, result.get(plan)));
        }
        return response;
    }

    /** Resolves every entry into {@code plans}, and returns the writes, of the entries added to {@code writing}. */
    private List<ResourceWrite> prepare(Actor actor, Bundle bundle, RequestDetails request, List<Planned> plans,
            List<Planned> writing) {
        Map<String, ResourceKey> byFullUrl = new HashMap<>();
        for (BundleEntryComponent entry : bundle.getEntry()) {
            Planned plan = plan(actor, entry);
            plans.add(plan);
            if (entry.hasFullUrl() && plan.key != null) {
                byFullUrl.put(entry.getFullUrl(), plan.key);
            }
        }
        Set<ResourceKey> seen = new HashSet<>();
        Set<ResourceKey> written = new HashSet<>();
        for (Planned plan : plans) {
            HTTPVerb method = plan.entry.getRequest().getMethod();
            if ((method == HTTPVerb.POST || method == HTTPVerb.PUT) && !plan.noOp) {
                written.add(plan.key);
            }
        }
        // conditional references resolved once per transaction: a patient's Bundle names the same few
        // practitioners and organizations hundreds of times; their targets join the resources known to exist
        Map<String, ResourceKey> resolved = new HashMap<>();
        Set<ResourceKey> known = new HashSet<>(written);
        List<ResourceWrite> writes = new ArrayList<>();
        for (Planned plan : plans) {
            HTTPVerb method = plan.entry.getRequest().getMethod();
            if (method == HTTPVerb.GET || plan.noOp) {
                continue;
            }
            if (!seen.add(plan.key)) {
                throw new InvalidRequestException("the transaction writes " + plan.key + " more than once");
            }
            if (method == HTTPVerb.DELETE) {
                writes.add(new ResourceWrite.Delete(plan.key, OptionalLong.empty()));
            } else {
                Resource resource = plan.entry.getResource();
                // the structural walk also finds every reference, which is then pointed at its entry's resource
                List<IBaseReference> references = records.validate(resource, true);
                rewriteReferences(actor, references, byFullUrl, resolved, known);
                profileValidator.validateIfRequested(resource, request);
                writes.add(records.prepareValidated(actor, plan.key, resource, expected(plan.entry), known,
                        references));
            }
            writing.add(plan);
        }
        return writes;
    }

    private Planned plan(Actor actor, BundleEntryComponent entry) {
        Planned plan = new Planned(entry);
        HTTPVerb method = entry.getRequest().getMethod();
        String url = entry.getRequest().getUrl();
        if (method == null || url == null) {
            throw new InvalidRequestException("every transaction entry needs request.method and request.url");
        }
        switch (method) {
            case POST -> {
                Resource resource = requireResource(entry);
                String ifNoneExist = entry.getRequest().getIfNoneExist();
                if (ifNoneExist != null && !ifNoneExist.isBlank()) {
                    Optional<ResourceKey> match = records.criteria().resolveAtMostOne(actor, resource.fhirType(),
                            ifNoneExist, "If-None-Exist");
                    if (match.isPresent()) {
                        plan.key = match.get();
                        plan.matchedExisting = true;
                        plan.noOp = true;
                        return plan;
                    }
                }
                plan.key = new ResourceKey(resource.fhirType(), FhirRecords.newId());
            }
            case PUT -> {
                Resource resource = requireResource(entry);
                if (url.contains("?")) {
                    plan.key = records.criteria().resolveAtMostOne(actor, resource.fhirType(), url,
                            "conditional update").orElseGet(() -> new ResourceKey(resource.fhirType(),
                                    resource.hasIdElement() && resource.getIdElement().hasIdPart()
                                            ? resource.getIdElement().getIdPart() : FhirRecords.newId()));
                    resource.setId(plan.key.id());
                } else {
                    plan.key = ResourceKey.parse(stripBase(url));
                    if (!plan.key.type().equals(resource.fhirType())) {
                        throw new InvalidRequestException("entry " + url + " carries a " + resource.fhirType());
                    }
                    resource.setId(plan.key.id());
                }
            }
            case DELETE -> {
                if (url.contains("?")) {
                    String type = url.substring(0, url.indexOf('?'));
                    Optional<ResourceKey> match = records.criteria().resolveAtMostOne(actor, type, url,
                            "conditional delete");
                    plan.noOp = match.isEmpty();
                    plan.key = match.orElse(null);
                } else {
                    plan.key = ResourceKey.parse(stripBase(url));
                    var current = records.access().findCurrent(actor, plan.key);
                    plan.noOp = current.isEmpty() || current.get().deleted();
                }
            }
            case GET -> plan.key = ResourceKey.parse(stripBase(url));
            default -> throw new InvalidRequestException("transaction entries may be POST, PUT, DELETE or GET, not "
                    + method.toCode());
        }
        return plan;
    }

    private BundleEntryComponent respond(Actor actor, Planned plan, StoredVersion stored) {
        BundleEntryComponent out = new BundleEntryComponent();
        HTTPVerb method = plan.entry.getRequest().getMethod();
        if (method == HTTPVerb.GET) {
            out.setResource((Resource) records.read(actor, plan.key)).getResponse().setStatus("200 OK");
        } else if (method == HTTPVerb.DELETE) {
            out.getResponse().setStatus("204 No Content");
        } else if (plan.matchedExisting) {
            StoredVersion existing = records.current(actor, plan.key);
            out.getResponse().setStatus("200 OK").setLocation(location(existing))
                    .setEtag("W/\"" + existing.version() + "\"");
        } else {
            out.setFullUrl(plan.entry.getFullUrl());
            out.getResponse().setStatus(stored.version() == 1 ? "201 Created" : "200 OK")
                    .setLocation(location(stored)).setEtag("W/\"" + stored.version() + "\"")
                    .setLastModified(java.util.Date.from(stored.lastUpdated()));
        }
        return out;
    }

    private void rewriteReferences(Actor actor, List<IBaseReference> references, Map<String, ResourceKey> byFullUrl,
            Map<String, ResourceKey> resolved, Set<ResourceKey> known) {
        for (IBaseReference reference : references) {
            String value = reference.getReferenceElement().getValue();
            if (value == null) {
                continue;
            }
            ResourceKey target = byFullUrl.get(value);
            if (target == null && References.kindOf(value) == References.Kind.CONDITIONAL) {
                target = resolved.get(value);
                if (target == null) {
                    target = records.criteria().resolveExactlyOne(actor, value.substring(0, value.indexOf('?')),
                            value);
                    resolved.put(value, target);
                    if (records.access().isLive(actor, target)) {
                        known.add(target);
                    }
                }
            }
            if (target == null && References.kindOf(value) == References.Kind.URN) {
                throw new InvalidRequestException("the reference " + value + " names no entry of the transaction");
            }
            if (target != null) {
                reference.setReference(target.toString());
            }
        }
    }

    private Bundle batch(Bundle bundle, RequestDetails request) {
        Bundle response = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
        for (BundleEntryComponent entry : bundle.getEntry()) {
            Bundle single = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            single.addEntry(entry);
            try {
                response.addEntry(transaction(single, request).getEntryFirstRep());
            } catch (BaseServerResponseException e) {
                response.addEntry(failure(e.getStatusCode(), e.getMessage()));
            } catch (BbehrException e) {
                BaseServerResponseException translated = ErrorTranslation.translate(e);
                response.addEntry(failure(translated.getStatusCode(), translated.getMessage()));
            }
        }
        return response;
    }

    private static BundleEntryComponent failure(int status, String message) {
        BundleEntryComponent out = new BundleEntryComponent();
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.PROCESSING).setDiagnostics(message);
        out.getResponse().setStatus(Integer.toString(status)).setOutcome(outcome);
        return out;
    }

    private static Resource requireResource(BundleEntryComponent entry) {
        if (!entry.hasResource()) {
            throw new InvalidRequestException(entry.getRequest().getMethod().toCode() + " "
                    + withoutQuery(entry.getRequest().getUrl()) + " has no resource");
        }
        return entry.getResource();
    }

    /** An entry's URL for a message: a conditional one's criteria (an identifier, a name) are left out. */
    private static String withoutQuery(String url) {
        int query = url == null ? -1 : url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }

    /** The version an entry expects: none for a POST (a new id), else its If-Match if it has one. */
    private static OptionalLong expected(BundleEntryComponent entry) {
        if (entry.getRequest().getMethod() == HTTPVerb.POST && entry.getRequest().getIfMatch() == null) {
            return OptionalLong.of(0);
        }
        return ifMatch(entry);
    }

    private static OptionalLong ifMatch(BundleEntryComponent entry) {
        String ifMatch = entry.getRequest().getIfMatch();
        return ifMatch == null ? OptionalLong.empty() : OptionalLong.of(ETags.version(ifMatch));
    }

    private static String location(StoredVersion stored) {
        return stored.key() + "/_history/" + stored.version();
    }

    private static String stripBase(String url) {
        String path = url.startsWith("http") ? url.replaceFirst("^https?://[^/]+(/.*?)?/(?=[A-Z][A-Za-z]+/)", "") : url;
        return path.startsWith("/") ? path.substring(1) : path;
    }
}
