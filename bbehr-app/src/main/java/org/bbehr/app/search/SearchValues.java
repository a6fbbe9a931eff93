package org.bbehr.app.search;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Comparison;
import org.bbehr.core.search.Criterion;
import org.bbehr.core.search.Criterion.IndexKind;
import org.bbehr.core.search.Criterion.TextMode;

/** One search parameter's value (with its modifier) as clauses, by the parameter's type. */
final class SearchValues {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern TYPE_AND_ID = Pattern.compile("([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/\\d+)?");
    private static final Pattern ABSOLUTE = Pattern.compile("https?://\\S+");
    private static final Pattern TYPE_NAME = Pattern.compile("[A-Z][A-Za-z]{1,63}");

    private final ProtectedFields protectedFields;
    private final BiFunction<String, String, List<String>> identifierTokens;
    private final Function<String, String> localReference;

    /**
     * @param localReference turns an absolute URL of this server into {@code Type/id}, or gives null
     */
    SearchValues(ProtectedFields protectedFields, BiFunction<String, String, List<String>> identifierTokens,
            Function<String, String> localReference) {
        this.protectedFields = protectedFields;
        this.identifierTokens = identifierTokens;
        this.localReference = localReference;
    }

    boolean supportsOnResource(String name, String modifier) {
        return modifier == null || (name.equals("_id") && modifier.equals("not"));
    }

    /** Whether the node can search {@code type}'s parameter {@code name} of this type with this modifier. */
    boolean supports(String type, RestSearchParameterTypeEnum paramType, String name, String modifier) {
        if (modifier == null || modifier.equals("missing")) {
            return Set.of(RestSearchParameterTypeEnum.TOKEN, RestSearchParameterTypeEnum.REFERENCE,
                    RestSearchParameterTypeEnum.DATE, RestSearchParameterTypeEnum.STRING,
                    RestSearchParameterTypeEnum.NUMBER, RestSearchParameterTypeEnum.QUANTITY,
                    RestSearchParameterTypeEnum.URI).contains(paramType);
        }
        return switch (paramType) {
            case TOKEN -> modifier.equals("not");
            case STRING -> modifier.equals("exact") || modifier.equals("contains");
            case URI -> modifier.equals("below");
            case REFERENCE -> TYPE_NAME.matcher(modifier).matches();
            default -> false;
        };
    }

    /** The clause of {@code _id} or {@code _lastUpdated}. */
    Clause resourceClause(String name, String modifier, String value) {
        List<Criterion> anyOf = new ArrayList<>();
        for (String item : split(value)) {
            if (name.equals("_id")) {
                if (!ID.matcher(item).matches()) {
                    throw invalid("_id", "not a FHIR id");
                }
                anyOf.add(new Criterion.IdIs(item));
            } else {
                Comparison comparison = Comparison.prefixOf(item);
                DateRanges.Range range = dateRange("_lastUpdated", item.substring(comparison.length(item)));
                anyOf.add(new Criterion.LastUpdatedIn(comparison, range.low(), range.high()));
            }
        }
        return new Clause(anyOf, "not".equals(modifier));
    }

    /** The clauses of one occurrence of a parameter: usually one; a protected name of several words gives one each. */
    List<Clause> clauses(String type, RuntimeSearchParam param, String modifier, String value) {
        String name = param.getName();
        if ("missing".equals(modifier)) {
            return List.of(Clause.of(missing(type, param, value)));
        }
        ProtectedFields.Kind protection = ProtectedFields.kindOf(type, name);
        if (protection != null) {
            return protectedClauses(type, protection, name, modifier, value);
        }
        List<Criterion> anyOf = new ArrayList<>();
        for (String item : split(value)) {
            anyOf.add(switch (param.getParamType()) {
                case TOKEN -> name.equals("identifier") ? identifier(item) : token(name, item);
                case REFERENCE -> reference(name, modifier, item);
                case DATE -> date(name, item);
                case STRING -> text(name, modifier, item);
                case NUMBER, QUANTITY -> NumberValues.parse(name, item);
                case URI -> new Criterion.UriIs(name, item, "below".equals(modifier));
                default -> throw new BbehrException(ErrorCode.SEARCH_UNSUPPORTED, "parameter '" + name
                        + "' is of a type the node does not search");
            });
        }
        return List.of(new Clause(anyOf, "not".equals(modifier)));
    }

    private Criterion missing(String type, RuntimeSearchParam param, String value) {
        boolean missing = switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(param.getName() + ":missing", "takes true or false");
        };
        String name = param.getName();
        IndexKind kind;
        if (name.equals("identifier")) {
            kind = IndexKind.IDENTIFIER;
        } else if (ProtectedFields.kindOf(type, name) != null) {
            kind = IndexKind.BLIND;
        } else {
            kind = switch (param.getParamType()) {
                case TOKEN -> IndexKind.TOKEN;
                case REFERENCE -> IndexKind.REFERENCE;
                case DATE -> IndexKind.DATE;
                case STRING -> IndexKind.TEXT;
                case NUMBER, QUANTITY -> IndexKind.NUMBER;
                case URI -> IndexKind.URI;
                default -> throw new BbehrException(ErrorCode.SEARCH_UNSUPPORTED, "cannot search " + name
                        + ":missing");
            };
        }
        return new Criterion.Missing(name, kind, missing);
    }

    private List<Clause> protectedClauses(String type, ProtectedFields.Kind protection, String name, String modifier,
            String value) {
        if (modifier != null) {
            throw new BbehrException(ErrorCode.SEARCH_PROTECTED_FIELD, "'" + name + "' is a protected field,"
                    + " indexed only as blind-index tokens: :" + SearchParser.safeName(modifier)
                    + " is not supported on it");
        }
        List<String> items = split(value);
        return switch (protection) {
            case NAME -> ProtectedValues.names(protectedFields, type, name, items);
            case BIRTH_DATE -> List.of(ProtectedValues.birthDates(protectedFields, type, name, items));
            case EXACT -> List.of(new Clause(items.stream().map(i -> (Criterion) new Criterion.BlindIs(name,
                    protectedFields.exactQueryTokens(type, name, i))).toList(), false));
        };
    }

    private Criterion identifier(String item) {
        int bar = item.indexOf('|');
        if (bar < 0) {
            return new Criterion.IdentifierIs(identifierTokens.apply(null, item));
        }
        String system = item.substring(0, bar);
        String code = item.substring(bar + 1);
        if (code.isEmpty()) {
            throw new BbehrException(ErrorCode.SEARCH_PROTECTED_FIELD, "identifiers are indexed only as blind-index"
                    + " tokens of system and value: search by system|value, |value or value");
        }
        return new Criterion.IdentifierIs(identifierTokens.apply(system, code));
    }

    private static Criterion token(String name, String item) {
        int bar = item.indexOf('|');
        if (bar < 0) {
            return new Criterion.TokenIs(name, null, item);
        }
        String code = item.substring(bar + 1);
        return new Criterion.TokenIs(name, item.substring(0, bar), code.isEmpty() ? null : code);
    }

    private Criterion reference(String name, String modifier, String item) {
        String targetType = modifier;
        String value = item;
        if (ABSOLUTE.matcher(value).matches()) {
            String local = localReference.apply(value);
            if (local == null) {
                return new Criterion.ReferenceTo(name, null, null, value);
            }
            value = local;
        }
        var typed = TYPE_AND_ID.matcher(value);
        if (typed.matches()) {
            if (targetType != null && !targetType.equals(typed.group(1))) {
                throw invalid(name, "the reference's type and the :" + SearchParser.safeName(targetType)
                        + " modifier differ");
            }
            return new Criterion.ReferenceTo(name, typed.group(1), typed.group(2), null);
        }
        if (!ID.matcher(value).matches()) {
            throw invalid(name, "takes Type/id, id or an absolute URL");
        }
        return new Criterion.ReferenceTo(name, targetType, value, null);
    }

    private static Criterion date(String name, String item) {
        Comparison comparison = Comparison.prefixOf(item);
        DateRanges.Range range = dateRange(name, item.substring(comparison.length(item)));
        return new Criterion.DateIn(name, comparison, range.low(), range.high());
    }

    private static Criterion text(String name, String modifier, String item) {
        String normalized = Normalize.text(item);
        if (normalized.length() > IndexValues.MAX_TEXT) {
            normalized = normalized.substring(0, IndexValues.MAX_TEXT);
        }
        TextMode mode = modifier == null ? TextMode.PREFIX
                : modifier.equals("exact") ? TextMode.EXACT : TextMode.CONTAINS;
        return new Criterion.TextMatches(name, normalized, mode);
    }

    static DateRanges.Range dateRange(String name, String value) {
        try {
            return DateRanges.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid(name, "takes a date: [prefix]YYYY[-MM[-DD[Thh:mm[:ss[.sss]][Z|+hh:mm]]]]");
        }
    }

    /** Splits a value at commas not escaped by a backslash, unescaping {@code \,}, {@code \|}, {@code \$} and {@code \\}. */
    static List<String> split(String value) {
        List<String> items = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && ",\\$".indexOf(value.charAt(i + 1)) >= 0) {
                current.append(value.charAt(++i));
            } else if (c == ',') {
                items.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        items.add(current.toString());
        if (items.stream().anyMatch(String::isEmpty)) {
            throw new BbehrException(ErrorCode.SEARCH_INVALID_VALUE, "a search parameter has an empty value");
        }
        return items;
    }

    static BbehrException invalid(String name, String why) {
        return new BbehrException(ErrorCode.SEARCH_INVALID_VALUE, "search parameter '" + SearchParser.safeName(name)
                + "' " + why + " (the value is not repeated here)");
    }

    static BigDecimal decimal(String name, String value) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw invalid(name, "takes a number");
        }
    }
}
