package org.bbehr.app.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IPagingProvider;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.BlindIndex;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.access.Actor;
import org.bbehr.core.access.RecordAccess;
import org.bbehr.core.search.SearchQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * FHIR search on the node's index: parses the request and keeps the search's results for its pages (in the server's
 * paging store, under a random id: the links carry that id, never a search value). The results fetch matching keys
 * as pages need them; matches are counted only when the client asks for the total ({@code _total=accurate} or
 * {@code estimate}, {@code _summary=count}).
 */
public final class FhirSearch {

    /** At most this many of a search's matches can be paged through; a search with more should be narrowed. */
    public static final int MAX_RESULTS = 10_000;
    /** The request attribute that holds the id of a search's stored results. */
    public static final String SEARCH_ID = FhirSearch.class.getName() + ".id";

    private final SearchParser parser;
    private final RecordAccess access;
    private final SearchIndexer indexer;
    private final Function<RequestDetails, Function<List<ResourceKey>, List<IBaseResource>>> readers;

    /**
     * @param identifierTokens the identifier index's tokens of {@code (system, value)}, one per key of the blind index
     * @param readers for the request that starts a search, how its pages read resources' current versions, leaving
     *     out those deleted or absent
     */
    public FhirSearch(FhirContext context, RecordAccess access, SearchIndexer indexer, BlindIndex blindIndex,
            BiFunction<String, String, List<String>> identifierTokens,
            Function<RequestDetails, Function<List<ResourceKey>, List<IBaseResource>>> readers) {
        this.access = access;
        this.indexer = indexer;
        this.readers = readers;
        this.parser = new SearchParser(context, new ProtectedFields(blindIndex), identifierTokens, indexer);
    }

    /** Runs the search of {@code type} that {@code request} asks for, as the request's actor. */
    public IBundleProvider search(String type, Actor actor, RequestDetails request) {
        ParsedSearch parsed = parser.parse(type, request.getParameters(), isStrict(request),
                new LocalUrls(request.getFhirServerBase()));
        Instant ranAt = Instant.now();
        Integer counted = wantsTotal(request)
                ? (int) Math.min(access.count(actor, parsed.query()), Integer.MAX_VALUE) : null;
        SearchResults results = new SearchResults(parsed, ranAt, counted, readers.apply(request), access, actor,
                indexer);
        IPagingProvider paging = request.getServer().getPagingProvider();
        if (paging != null) {
            String id = paging.storeResultList(request, results);
            results.setUuid(id);
            request.getUserData().put(SEARCH_ID, id);
        }
        return results;
    }

    /**
     * The first {@code limit} matches that {@code actor} may see of a search given as parameters (conditional
     * criteria), parsed by the same parser as every search and run through the same door.
     */
    public List<ResourceKey> matches(Actor actor, String type, Map<String, String[]> parameters, int limit) {
        SearchQuery query = parser.parse(type, parameters, true, url -> null).query();
        return access.search(actor, query.withLimit(limit));
    }

    /** Whether {@code results} may be paged through by {@code actor}: a search's pages belong to its actor alone. */
    public static boolean madeBy(IBundleProvider results, Actor actor) {
        return !(results instanceof ActorBound bound) || bound.actor().equals(actor);
    }

    /**
     * Whether the client asked for the number of matches: {@code _total=accurate} or {@code estimate} (both counted
     * exactly), or {@code _summary=count}. Otherwise the total is given only once known for free, when the last match
     * has been fetched.
     *
     * @throws BbehrException {@code SEARCH_INVALID_VALUE} for a {@code _total} other than none, estimate, accurate
     */
    static boolean wantsTotal(RequestDetails request) {
        String[] total = request.getParameters().get("_total");
        String[] summary = request.getParameters().get("_summary");
        boolean count = summary != null && List.of(summary).contains("count");
        if (total == null || total.length == 0) {
            return count;
        }
        return switch (total[0]) {
            case "accurate", "estimate" -> true;
            case "none" -> count;
            default -> throw new BbehrException(ErrorCode.SEARCH_INVALID_VALUE,
                    "_total takes none, estimate or accurate");
        };
    }

    static boolean isStrict(RequestDetails request) {
        List<String> prefer = request.getHeaders("Prefer");
        return prefer != null && prefer.stream().anyMatch(p -> p.replace(" ", "").contains("handling=strict"));
    }

    /** Turns absolute URLs of this server ({@code base/Type/id}) into {@code Type/id}. */
    record LocalUrls(String base) implements Function<String, String> {
        @Override
        public String apply(String url) {
            return base != null && url.startsWith(base + "/") ? url.substring(base.length() + 1) : null;
        }
    }
}
