package org.bbehr.app.search;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import java.util.ArrayList;
import java.util.Date;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.bbehr.core.record.IndexValue;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Comparison;
import org.bbehr.core.search.Criterion;
import org.bbehr.core.access.Actor;
import org.bbehr.core.access.RecordAccess;
import org.bbehr.core.search.SearchPage;
import org.bbehr.core.search.SearchQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * The results of one search, read page by page with their {@code _include}/{@code _revinclude} resources. The
 * matching keys are fetched as pages ask for them (one more than asked, to know whether another page follows), each
 * fetch continuing after the last key fetched, and kept, so a page read again lists the same resources. Every fetch
 * leaves out resources created, changed or deleted after the search ran, so later pages neither repeat nor skip a
 * match and show no resource that did not match then. It holds keys only, never a search value, so the server may
 * keep it for paging.
 */
final class SearchResults implements IBundleProvider, ActorBound {

    /** At most this many resources are included per page, for each {@code _include} or {@code _revinclude}. */
    static final int MAX_INCLUDED = 1000;

    private final ParsedSearch search;
    private final SearchQuery query;
    private final Integer counted;
    private final Function<List<ResourceKey>, List<IBaseResource>> reader;
    private final RecordAccess access;
    private final Actor actor;
    private final SearchIndexer indexer;
    private final InstantType published = InstantType.now();
    private final List<ResourceKey> keys = new ArrayList<>();
    private Optional<SearchPage.Position> last = Optional.empty();
    private boolean complete;
    private volatile String uuid;

    /**
     * @param ranAt when the search ran: later fetches leave out what was written after
     * @param counted the number of matches when the client asked for the total, else null
     */
    SearchResults(ParsedSearch search, Instant ranAt, Integer counted,
            Function<List<ResourceKey>, List<IBaseResource>> reader, RecordAccess access, Actor actor,
            SearchIndexer indexer) {
        this.search = search;
        this.query = asOf(search.query(), ranAt);
        this.counted = counted;
        this.reader = reader;
        this.access = access;
        this.actor = actor;
        this.indexer = indexer;
    }

    /** {@code query} on resources whose current version was written at or before {@code ranAt}. */
    private static SearchQuery asOf(SearchQuery query, Instant ranAt) {
        Instant next = ranAt.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
        List<Clause> clauses = new ArrayList<>(query.clauses());
        clauses.add(Clause.of(new Criterion.LastUpdatedIn(Comparison.LT, next, next.plus(1, ChronoUnit.MICROS))));
        return new SearchQuery(query.type(), clauses, query.sort(), query.limit());
    }

    /** The actor that made the search: its pages are served to it alone. */
    public Actor actor() {
        return actor;
    }

    void setUuid(String uuid) {
        this.uuid = uuid;
    }

    @Override
    public String getUuid() {
        return uuid;
    }

    @Override
    public IPrimitiveType<Date> getPublished() {
        return published;
    }

    @Override
    public Integer preferredPageSize() {
        return null;
    }

    /** The number of matches: counted when asked for, else known once the last one is fetched, else unknown. */
    @Override
    public synchronized Integer size() {
        if (counted != null) {
            return counted;
        }
        return complete ? keys.size() : null;
    }

    /** Fetches keys until there are {@code count}, or no more (at most {@link FhirSearch#MAX_RESULTS}). */
    private synchronized List<ResourceKey> fetchTo(int count) {
        int wanted = Math.min(count, FhirSearch.MAX_RESULTS);
        if (!complete && keys.size() < wanted) {
            SearchPage page = access.searchFrom(actor, query.withLimit(wanted - keys.size()), last);
            keys.addAll(page.keys());
            last = page.last().isPresent() ? page.last() : last;
            complete = keys.size() < wanted || keys.size() == FhirSearch.MAX_RESULTS;
        }
        return List.copyOf(keys.subList(0, Math.min(count, keys.size())));
    }

    /**
     * The page, telling HAPI how many matches there are from {@code fromIndex} on as far as it fetched (one past the
     * page when there are more): HAPI gives a {@code next} link exactly when that is more than the page holds.
     */
    @Override
    public List<IBaseResource> getResources(int fromIndex, int toIndex, ResponsePage.ResponsePageBuilder page) {
        List<IBaseResource> resources = getResources(fromIndex, toIndex);
        page.setTotalRequestedResourcesFetched(Math.max(0, fetchTo(toIndex + 1).size() - fromIndex));
        return resources;
    }

    @Override
    public List<IBaseResource> getResources(int fromIndex, int toIndex) {
        List<IBaseResource> page = new ArrayList<>();
        Set<ResourceKey> onPage = new LinkedHashSet<>();
        List<ResourceKey> fetched = fetchTo(toIndex + 1);
        for (IBaseResource resource : reader.apply(
                fetched.subList(Math.min(fromIndex, fetched.size()), Math.min(toIndex, fetched.size())))) {
            ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(resource, BundleEntrySearchModeEnum.MATCH);
            page.add(resource);
            onPage.add(new ResourceKey(resource.fhirType(), resource.getIdElement().getIdPart()));
        }
        Set<ResourceKey> included = new LinkedHashSet<>();
        for (ParsedSearch.Include include : search.includes()) {
            included.addAll(forward(include, page));
        }
        for (ParsedSearch.Include include : search.revIncludes()) {
            included.addAll(reverse(include, onPage));
        }
        included.removeAll(onPage);
        for (IBaseResource resource : reader.apply(List.copyOf(included))) {
            ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(resource, BundleEntrySearchModeEnum.INCLUDE);
            page.add(resource);
        }
        if (fromIndex == 0 && !search.ignored().isEmpty()) {
            page.add(ignoredOutcome());
        }
        return page;
    }

    private Set<ResourceKey> forward(ParsedSearch.Include include, List<IBaseResource> page) {
        Set<ResourceKey> targets = new LinkedHashSet<>();
        for (IBaseResource resource : page) {
            for (IndexValue value : indexer.extract(resource, include.param())) {
                if (value instanceof IndexValue.Reference ref && !ref.targetId().isEmpty()
                        && (include.targetType() == null || include.targetType().equals(ref.targetType()))
                        && targets.size() < MAX_INCLUDED) {
                    targets.add(new ResourceKey(ref.targetType(), ref.targetId()));
                }
            }
        }
        return targets;
    }

    private List<ResourceKey> reverse(ParsedSearch.Include include, Set<ResourceKey> onPage) {
        List<Criterion> anyOf = onPage.stream()
                .filter(k -> include.targetType() == null || include.targetType().equals(k.type()))
                .map(k -> (Criterion) new Criterion.ReferenceTo(include.param(), k.type(), k.id(), null))
                .toList();
        if (anyOf.isEmpty()) {
            return List.of();
        }
        Clause referencing = ParamAliases.rewrite(indexer.aliases(include.sourceType()), new Clause(anyOf, false));
        return access.search(actor, new SearchQuery(include.sourceType(), List.of(referencing), List.of(),
                MAX_INCLUDED));
    }

    private IBaseResource ignoredOutcome() {
        OperationOutcome outcome = new OperationOutcome();
        for (String name : search.ignored()) {
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING)
                    .setCode(OperationOutcome.IssueType.NOTSUPPORTED)
                    .setDiagnostics("search parameter '" + name + "' is unknown or not supported and was ignored"
                            + " (send Prefer: handling=strict to have such searches refused)");
        }
        ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(outcome, BundleEntrySearchModeEnum.OUTCOME);
        return outcome;
    }
}
