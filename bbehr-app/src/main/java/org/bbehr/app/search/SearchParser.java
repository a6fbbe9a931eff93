package org.bbehr.app.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Criterion;
import org.bbehr.core.search.SearchQuery;
import org.bbehr.core.search.SortKey;

/**
 * Parses a FHIR search request into a {@link ParsedSearch}: repeated parameters are AND, comma-separated values OR;
 * protected values become blind-index tokens here, so nothing after this class sees them. Unknown or unsupported
 * parameters are refused in strict handling and otherwise ignored and reported. Parameters whose values are other
 * parameters' ({@link ParamAliases}) are searched on those parameters' rows.
 */
public final class SearchParser {

    /** Result parameters that HAPI or the result bundle handle; not criteria. */
    private static final Set<String> RESULT_PARAMETERS = Set.of("_count", "_format", "_pretty", "_summary",
            "_elements", "_total", "_bundletype", "_getpages", "_getpagesoffset", "_offset");

    private final FhirContext context;
    private final ProtectedFields protectedFields;
    private final BiFunction<String, String, List<String>> identifierTokens;
    private final SearchIndexer indexer;

    /**
     * @param identifierTokens the identifier index's tokens of {@code (system, value)} (a null system: any system),
     *     one per key of the blind index
     * @param indexer what is indexed, and which parameters are aliases of others
     */
    public SearchParser(FhirContext context, ProtectedFields protectedFields,
            BiFunction<String, String, List<String>> identifierTokens, SearchIndexer indexer) {
        this.context = context;
        this.protectedFields = protectedFields;
        this.identifierTokens = identifierTokens;
        this.indexer = indexer;
    }

    /**
     * @param parameters the request's parameters, as the servlet gives them (names may carry a modifier)
     * @param strict whether the client asked for {@code Prefer: handling=strict}
     * @param localReference turns an absolute URL of this server into {@code Type/id}, else gives null
     * @throws BbehrException a 400 code for malformed values, refused protected searches, and (strict) unknown
     *     parameters
     */
    public ParsedSearch parse(String type, Map<String, String[]> parameters, boolean strict,
            Function<String, String> localReference) {
        SearchValues values = new SearchValues(protectedFields, identifierTokens, localReference);
        RuntimeResourceDefinition definition = context.getResourceDefinition(type);
        List<Clause> clauses = new ArrayList<>();
        List<SortKey> sort = List.of();
        List<ParsedSearch.Include> includes = new ArrayList<>();
        List<ParsedSearch.Include> revIncludes = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String key = parameter.getKey();
            int colon = key.indexOf(':');
            String name = colon < 0 ? key : key.substring(0, colon);
            String modifier = colon < 0 ? null : key.substring(colon + 1);
            if (RESULT_PARAMETERS.contains(name)) {
                continue;
            }
            for (String value : parameter.getValue()) {
                switch (name) {
                    case "_sort" -> sort = sort(type, definition, value);
                    case "_include" -> includes.addAll(includes(type, value, false));
                    case "_revinclude" -> revIncludes.addAll(includes(type, value, true));
                    case "_id", "_lastUpdated" -> {
                        if (!values.supportsOnResource(name, modifier)) {
                            unsupported(key, strict, ignored);
                        } else {
                            clauses.add(values.resourceClause(name, modifier, value));
                        }
                    }
                    default -> {
                        RuntimeSearchParam param = definition.getSearchParam(name);
                        boolean served = param != null && (name.equals("identifier")
                                || !SearchIndexer.NOT_INDEXED.contains(name));
                        if (!served || !values.supports(type, param.getParamType(), name, modifier)) {
                            unsupported(key, strict, ignored);
                        } else {
                            RuntimeSearchParam stored = definition.getSearchParam(sameAs(type, name));
                            values.clauses(type, stored, modifier, value).forEach(clause -> clauses.add(
                                    ParamAliases.rewrite(indexer.aliases(type), clause)));
                        }
                    }
                }
            }
        }
        return new ParsedSearch(new SearchQuery(type, clauses, sort, Integer.MAX_VALUE), includes, revIncludes,
                ignored);
    }

    /** The parameter whose rows hold {@code name}'s values when its expression is identical, else {@code name}. */
    private String sameAs(String type, String name) {
        ParamAliases.Alias alias = indexer.aliases(type).get(name);
        return alias != null && alias.same() ? alias.params().getFirst() : name;
    }

    private static void unsupported(String key, boolean strict, List<String> ignored) {
        String safe = key.length() > 64 ? key.substring(0, 64) + "…" : key;
        if (strict) {
            throw new BbehrException(ErrorCode.SEARCH_UNSUPPORTED, "unknown or unsupported search parameter '" + safe
                    + "' (see the CapabilityStatement; without Prefer: handling=strict it would be ignored)");
        }
        ignored.add(safe);
    }

    private List<SortKey> sort(String type, RuntimeResourceDefinition definition, String value) {
        List<SortKey> keys = new ArrayList<>();
        for (String item : value.split(",")) {
            boolean descending = item.startsWith("-");
            String name = descending ? item.substring(1) : item;
            if (name.equals("_id")) {
                keys.add(new SortKey(SortKey.Kind.ID, name, descending));
                continue;
            }
            if (name.equals("_lastUpdated")) {
                keys.add(new SortKey(SortKey.Kind.LAST_UPDATED, name, descending));
                continue;
            }
            RuntimeSearchParam param = definition.getSearchParam(name);
            if (param != null && ProtectedFields.kindOf(type, name) != null) {
                throw new BbehrException(ErrorCode.SEARCH_PROTECTED_FIELD, "cannot sort by '" + name
                        + "': it is a protected field, indexed only as blind-index tokens");
            }
            if (param != null && param.getParamType() == RestSearchParameterTypeEnum.DATE) {
                keys.add(new SortKey(SortKey.Kind.DATE, sameAs(type, name), descending));
            } else if (param != null && param.getParamType() == RestSearchParameterTypeEnum.STRING) {
                keys.add(new SortKey(SortKey.Kind.TEXT, sameAs(type, name), descending));
            } else {
                throw new BbehrException(ErrorCode.SEARCH_UNSUPPORTED, "cannot sort by '" + safeName(name)
                        + "': _sort supports _id, _lastUpdated and date and string parameters");
            }
        }
        return keys;
    }

    private List<ParsedSearch.Include> includes(String type, String value, boolean reverse) {
        String[] parts = value.split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw new BbehrException(ErrorCode.SEARCH_INVALID_VALUE, (reverse ? "_revinclude" : "_include")
                    + " takes SourceType:parameter[:TargetType]");
        }
        String source = parts[0];
        if (!context.getResourceTypes().contains(source) || (!reverse && !source.equals(type))) {
            throw new BbehrException(ErrorCode.SEARCH_INVALID_VALUE, (reverse ? "_revinclude" : "_include")
                    + " names a source type that " + (reverse ? "does not exist" : "is not the searched type"));
        }
        RuntimeSearchParam param = context.getResourceDefinition(source).getSearchParam(parts[1]);
        if (param == null || param.getParamType() != RestSearchParameterTypeEnum.REFERENCE) {
            throw new BbehrException(ErrorCode.SEARCH_INVALID_VALUE, "'" + safeName(parts[1])
                    + "' is not a reference parameter of " + source);
        }
        String target = parts.length == 3 ? parts[2] : null;
        if (target != null && !context.getResourceTypes().contains(target)) {
            throw new BbehrException(ErrorCode.SEARCH_INVALID_VALUE, "not a resource type: " + safeName(target));
        }
        return List.of(new ParsedSearch.Include(source, parts[1], target));
    }

    static String safeName(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "…" : name;
    }
}
