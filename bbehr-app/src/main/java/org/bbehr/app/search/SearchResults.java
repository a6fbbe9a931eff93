package org.bbehr.app.search;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.bbehr.core.record.IndexValue;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Criterion;
import org.bbehr.core.search.RecordSearch;
import org.bbehr.core.search.SearchQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * The results of one search: the matching resources' keys, fixed when the search ran (so paging is stable while
 * others write), read page by page with their {@code _include}/{@code _revinclude} resources. It holds keys only,
 * never a search value, so the server may keep it for paging.
 */
final class SearchResults implements IBundleProvider {

    /** At most this many resources are included per page, for each {@code _include} or {@code _revinclude}. */
    static final int MAX_INCLUDED = 1000;

    private final List<ResourceKey> keys;
    private final ParsedSearch search;
    private final Function<List<ResourceKey>, List<IBaseResource>> reader;
    private final RecordSearch recordSearch;
    private final SearchIndexer indexer;
    private final InstantType published = InstantType.now();
    private volatile String uuid;

    SearchResults(List<ResourceKey> keys, ParsedSearch search, Function<List<ResourceKey>, List<IBaseResource>> reader,
            RecordSearch recordSearch, SearchIndexer indexer) {
        this.keys = List.copyOf(keys);
        this.search = search;
        this.reader = reader;
        this.recordSearch = recordSearch;
        this.indexer = indexer;
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

    @Override
    public Integer size() {
        return keys.size();
    }

    @Override
    public List<IBaseResource> getResources(int fromIndex, int toIndex) {
        List<IBaseResource> page = new ArrayList<>();
        Set<ResourceKey> onPage = new LinkedHashSet<>();
        for (IBaseResource resource : reader.apply(
                keys.subList(Math.min(fromIndex, keys.size()), Math.min(toIndex, keys.size())))) {
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
        return recordSearch.search(new SearchQuery(include.sourceType(), List.of(new Clause(anyOf, false)), List.of(),
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
