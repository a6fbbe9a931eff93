package org.bbehr.app.search;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Criterion;

/**
 * Search parameters whose values are other parameters' values, so that their index rows are stored once. A
 * parameter may be <em>the same as</em> another (an identical expression, such as Patient's {@code phonetic} and
 * {@code name}), <em>the union of</em> others (Observation's {@code combo-code} is {@code code} and
 * {@code component-code}), or another <em>restricted to references of one type</em> ({@code patient},
 * {@code X.subject.where(resolve() is Patient)}, is {@code subject}'s references to patients). A search on such a
 * parameter is answered from the rows of the parameters it is made of.
 */
final class ParamAliases {

    /**
     * What a parameter is made of: the parameters whose rows answer it (one for "the same as" and "restricted", several
     * for a union) and, for a restriction, the type its references must have.
     */
    record Alias(List<String> params, String targetType) {

        Alias {
            params = List.copyOf(params);
        }

        /** The one parameter an identical one stands for, if this is such an alias. */
        boolean same() {
            return params.size() == 1 && targetType == null;
        }
    }

    private static final Pattern RESTRICTED = Pattern.compile("(.+)\\.where\\(resolve\\(\\) is ([A-Z][A-Za-z]+)\\)");
    /** Absolute URLs of a resource, as a reference's type is read from them: {@code …/Type/id[/_history/n]}. */
    static final Pattern URL_TYPE = Pattern.compile("https?://.+/([A-Z][A-Za-z]+)/[A-Za-z0-9\\-.]{1,64}"
            + "(?:/_history/[0-9]+)?");
    /** Types that unions are found for: those never sorted on, whose rows mean the same in any union. */
    private static final Set<RestSearchParameterTypeEnum> UNION_TYPES = Set.of(RestSearchParameterTypeEnum.TOKEN,
            RestSearchParameterTypeEnum.REFERENCE, RestSearchParameterTypeEnum.NUMBER,
            RestSearchParameterTypeEnum.QUANTITY, RestSearchParameterTypeEnum.URI);

    private ParamAliases() {}

    /** The aliases among one type's indexed parameters, by name; a parameter an alias is made of is never one. */
    static Map<String, Alias> find(List<SearchIndexer.Param> params) {
        List<SearchIndexer.Param> byName = params.stream().sorted(Comparator.comparing(SearchIndexer.Param::name))
                .toList();
        Map<String, Alias> aliases = new LinkedHashMap<>();
        Map<List<Object>, String> first = new HashMap<>();
        for (SearchIndexer.Param param : byName) {
            String same = first.putIfAbsent(List.of(param.type(), Objects.toString(param.protection()),
                    expressions(param)), param.name());
            if (same != null) {
                aliases.put(param.name(), new Alias(List.of(same), null));
            }
        }
        for (SearchIndexer.Param param : byName) {
            restriction(param, byName, aliases).ifPresent(alias -> aliases.put(param.name(), alias));
        }
        List<SearchIndexer.Param> bySize = byName.stream().sorted(Comparator.comparing(p -> p.paths().size())).toList();
        for (SearchIndexer.Param param : bySize) {
            union(param, byName, aliases).ifPresent(alias -> aliases.put(param.name(), alias));
        }
        return Map.copyOf(aliases);
    }

    private static java.util.Optional<Alias> restriction(SearchIndexer.Param param, List<SearchIndexer.Param> params,
            Map<String, Alias> aliases) {
        if (aliases.containsKey(param.name()) || param.type() != RestSearchParameterTypeEnum.REFERENCE
                || param.paths().size() != 1) {
            return java.util.Optional.empty();
        }
        Matcher restricted = RESTRICTED.matcher(param.paths().getFirst().expression());
        if (!restricted.matches()) {
            return java.util.Optional.empty();
        }
        return params.stream().filter(base -> !aliases.containsKey(base.name()) && base != param
                        && base.type() == RestSearchParameterTypeEnum.REFERENCE && base.protection() == null
                        && expressions(base).equals(new TreeSet<>(List.of(restricted.group(1)))))
                .findFirst().map(base -> new Alias(List.of(base.name()), restricted.group(2)));
    }

    private static java.util.Optional<Alias> union(SearchIndexer.Param param, List<SearchIndexer.Param> params,
            Map<String, Alias> aliases) {
        Set<String> wanted = expressions(param);
        if (aliases.containsKey(param.name()) || !UNION_TYPES.contains(param.type()) || param.protection() != null
                || wanted.size() < 2) {
            return java.util.Optional.empty();
        }
        List<SearchIndexer.Param> parts = params.stream()
                .filter(part -> part != param && !aliases.containsKey(part.name()) && part.type() == param.type()
                        && part.protection() == null && wanted.containsAll(expressions(part))
                        && expressions(part).size() < wanted.size())
                .sorted(Comparator.comparing((SearchIndexer.Param p) -> -p.paths().size())).toList();
        Set<String> covered = new HashSet<>();
        List<String> names = new ArrayList<>();
        for (SearchIndexer.Param part : parts) {
            if (expressions(part).stream().noneMatch(covered::contains)) {
                covered.addAll(expressions(part));
                names.add(part.name());
            }
        }
        return covered.equals(wanted) ? java.util.Optional.of(new Alias(names, null)) : java.util.Optional.empty();
    }

    private static TreeSet<String> expressions(SearchIndexer.Param param) {
        TreeSet<String> expressions = new TreeSet<>();
        param.paths().forEach(path -> expressions.add(path.expression()));
        return expressions;
    }

    /**
     * {@code clause} on the rows that are stored: each criterion on a union becomes one on each of its parameters,
     * one on a restriction one on its parameter's references of that type; criteria that cannot match (a reference
     * of another type) stay as they are, on a parameter that has no rows.
     */
    static Clause rewrite(Map<String, Alias> aliases, Clause clause) {
        List<Criterion> anyOf = new ArrayList<>();
        boolean negated = clause.negated();
        for (Criterion criterion : clause.anyOf()) {
            String param = paramOf(criterion);
            Alias alias = param == null ? null : aliases.get(param);
            if (alias == null || alias.same()) {
                anyOf.add(criterion);
            } else if (criterion instanceof Criterion.Missing missing) {
                // missing: none of the parameters has a value (a clause of one criterion, as the parser makes it)
                negated = negated != missing.missing();
                anyOf.addAll(alias.targetType() != null
                        ? List.of(new Criterion.ReferenceTo(alias.params().getFirst(), alias.targetType(), null, null))
                        : alias.params().stream().map(p -> (Criterion) new Criterion.Missing(p, missing.kind(), false))
                                .toList());
            } else if (alias.targetType() != null) {
                anyOf.add(restricted((Criterion.ReferenceTo) criterion, alias));
            } else {
                alias.params().forEach(p -> anyOf.add(withParam(criterion, p)));
            }
        }
        return new Clause(anyOf, negated);
    }

    private static Criterion restricted(Criterion.ReferenceTo reference, Alias alias) {
        String base = alias.params().getFirst();
        if (reference.url() != null) {
            Matcher url = URL_TYPE.matcher(reference.url());
            return url.matches() && url.group(1).equals(alias.targetType())
                    ? new Criterion.ReferenceTo(base, null, null, reference.url()) : reference;
        }
        return reference.targetType() == null || reference.targetType().equals(alias.targetType())
                ? new Criterion.ReferenceTo(base, alias.targetType(), reference.targetId(), null) : reference;
    }

    private static String paramOf(Criterion criterion) {
        return switch (criterion) {
            case Criterion.TokenIs t -> t.param();
            case Criterion.NumberIn n -> n.param();
            case Criterion.UriIs u -> u.param();
            case Criterion.ReferenceTo r -> r.param();
            case Criterion.Missing m -> m.param();
            default -> null;
        };
    }

    /** The criterion on another parameter of the same kind (only kinds that unions are found for). */
    private static Criterion withParam(Criterion criterion, String param) {
        return switch (criterion) {
            case Criterion.TokenIs t -> new Criterion.TokenIs(param, t.system(), t.code());
            case Criterion.NumberIn n -> new Criterion.NumberIn(param, n.comparison(), n.value(), n.low(), n.high(),
                    n.system(), n.code());
            case Criterion.UriIs u -> new Criterion.UriIs(param, u.uri(), u.below());
            case Criterion.ReferenceTo r -> new Criterion.ReferenceTo(param, r.targetType(), r.targetId(), r.url());
            default -> throw new IllegalArgumentException("no union of " + criterion.getClass().getSimpleName());
        };
    }
}
