package org.bbehr.core.search;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.IndexValue;
import org.bbehr.core.record.ResourceKey;

/**
 * The meaning of each criterion on one resource's index entries, for stores that evaluate queries in memory. A
 * database adapter must give the same answers (the contract test checks both).
 */
public final class IndexMatcher {

    private IndexMatcher() {}

    /** Whether a resource with these entries, id and time matches every clause of {@code query}. */
    public static boolean matches(SearchQuery query, ResourceKey key, Instant lastUpdated, IndexEntries entries) {
        for (Clause clause : query.clauses()) {
            boolean any = clause.anyOf().stream().anyMatch(c -> matches(c, key, lastUpdated, entries));
            if (any == clause.negated()) {
                return false;
            }
        }
        return true;
    }

    static boolean matches(Criterion criterion, ResourceKey key, Instant lastUpdated, IndexEntries entries) {
        List<IndexValue> values = entries.values();
        return switch (criterion) {
            case Criterion.IdIs id -> key.id().equals(id.id());
            case Criterion.LastUpdatedIn in -> dateMatches(in.comparison(), lastUpdated, lastUpdated.plusNanos(1000),
                    in.low(), in.high());
            case Criterion.IdentifierIs identifier -> identifier.tokens().stream()
                    .anyMatch(entries.identifierTokens()::contains);
            case Criterion.Missing missing -> hasAny(missing, entries) != missing.missing();
            default -> values.stream().anyMatch(v -> valueMatches(criterion, v));
        };
    }

    private static boolean valueMatches(Criterion criterion, IndexValue value) {
        return switch (criterion) {
            case Criterion.TokenIs t -> value instanceof IndexValue.Token v && v.param().equals(t.param())
                    && (t.system() == null || t.system().equals(v.system()))
                    && (t.code() == null || t.code().equals(v.code()));
            case Criterion.BlindIs b -> value instanceof IndexValue.Blind v && v.param().equals(b.param())
                    && b.tokens().contains(v.token());
            case Criterion.TextMatches t -> value instanceof IndexValue.Text v && v.param().equals(t.param())
                    && switch (t.mode()) {
                        case PREFIX -> v.normalized().startsWith(t.value());
                        case EXACT -> v.normalized().equals(t.value());
                        case CONTAINS -> v.normalized().contains(t.value());
                    };
            case Criterion.DateIn d -> value instanceof IndexValue.Date v && v.param().equals(d.param())
                    && dateMatches(d.comparison(), v.low(), v.high(), d.low(), d.high());
            case Criterion.NumberIn n -> value instanceof IndexValue.Number v && v.param().equals(n.param())
                    && (n.system() == null || n.system().equals(v.system()))
                    && (n.code() == null || n.code().equals(v.code()))
                    && numberMatches(n, v.low(), v.high());
            case Criterion.UriIs u -> value instanceof IndexValue.Uri v && v.param().equals(u.param())
                    && (u.below() ? v.uri().startsWith(u.uri()) : v.uri().equals(u.uri()));
            case Criterion.ReferenceTo r -> value instanceof IndexValue.Reference v && v.param().equals(r.param())
                    && referenceMatches(r, v);
            default -> false;
        };
    }

    /**
     * FHIR's date comparison of a value's range {@code [rl, rh)} with the search value's range {@code [pl, ph)}.
     */
    public static boolean dateMatches(Comparison comparison, Instant rl, Instant rh, Instant pl, Instant ph) {
        boolean within = !rl.isBefore(pl) && !rh.isAfter(ph);
        return switch (comparison) {
            case EQ -> within;
            case NE -> !within;
            case GT -> rh.isAfter(ph);
            case LT -> rl.isBefore(pl);
            case GE -> rh.isAfter(ph) || within;
            case LE -> rl.isBefore(pl) || within;
            case SA -> !rl.isBefore(ph);
            case EB -> !rh.isAfter(pl);
            case AP -> rl.isBefore(ph) && rh.isAfter(pl);
        };
    }

    /** FHIR's number comparison of a value's range {@code [rl, rh]} with the search value (and its range). */
    public static boolean numberMatches(Criterion.NumberIn n, BigDecimal rl, BigDecimal rh) {
        BigDecimal p = n.value();
        boolean within = rl.compareTo(n.low()) >= 0 && rh.compareTo(n.high()) < 0;
        return switch (n.comparison()) {
            case EQ -> within;
            case NE -> !within;
            case GT -> rh.compareTo(p) > 0;
            case LT -> rl.compareTo(p) < 0;
            case GE -> rh.compareTo(p) >= 0;
            case LE -> rl.compareTo(p) <= 0;
            case SA -> rl.compareTo(p) > 0;
            case EB -> rh.compareTo(p) < 0;
            case AP -> rl.compareTo(p.multiply(new BigDecimal("1.1"))) <= 0
                    && rh.compareTo(p.multiply(new BigDecimal("0.9"))) >= 0;
        };
    }

    private static boolean referenceMatches(Criterion.ReferenceTo r, IndexValue.Reference v) {
        if (r.url() != null) {
            return r.url().equals(v.url());
        }
        if (r.targetId() == null) {
            return r.targetType().equals(v.targetType());
        }
        return v.targetId().equals(r.targetId()) && (r.targetType() == null || r.targetType().equals(v.targetType()));
    }

    private static boolean hasAny(Criterion.Missing missing, IndexEntries entries) {
        if (missing.kind() == Criterion.IndexKind.IDENTIFIER) {
            return !entries.identifierTokens().isEmpty();
        }
        return entries.values().stream().anyMatch(v -> v.param().equals(missing.param()) && kindOf(v) == missing.kind());
    }

    static Criterion.IndexKind kindOf(IndexValue value) {
        return switch (value) {
            case IndexValue.Token t -> Criterion.IndexKind.TOKEN;
            case IndexValue.Blind b -> Criterion.IndexKind.BLIND;
            case IndexValue.Text t -> Criterion.IndexKind.TEXT;
            case IndexValue.Date d -> Criterion.IndexKind.DATE;
            case IndexValue.Number n -> Criterion.IndexKind.NUMBER;
            case IndexValue.Uri u -> Criterion.IndexKind.URI;
            case IndexValue.Reference r -> Criterion.IndexKind.REFERENCE;
        };
    }

    /** Where a resource with this key, time and entries stands in the order of {@code sort} then id. */
    public static SearchPage.Position position(List<SortKey> sort, ResourceKey key, Instant lastUpdated,
            IndexEntries entries) {
        List<Object> values = new java.util.ArrayList<>();
        for (SortKey s : sort) {
            values.add(switch (s.kind()) {
                case ID -> key.id();
                case LAST_UPDATED -> lastUpdated;
                case DATE -> sortDate(entries, s);
                case TEXT -> sortText(entries, s);
            });
        }
        return new SearchPage.Position(values, key.id());
    }

    /**
     * The order of {@code sort} then id on positions: each key ascending or descending, resources without a value
     * last either way.
     */
    @SuppressWarnings("unchecked")
    public static Comparator<SearchPage.Position> order(List<SortKey> sort) {
        Comparator<SearchPage.Position> order = (a, b) -> 0;
        for (int i = 0; i < sort.size(); i++) {
            int index = i;
            Comparator<Comparable<Object>> natural = Comparator.naturalOrder();
            Comparator<Comparable<Object>> direction = sort.get(i).descending() ? natural.reversed() : natural;
            order = order.thenComparing(p -> (Comparable<Object>) p.sortValues().get(index),
                    Comparator.nullsLast(direction));
        }
        return order.thenComparing(SearchPage.Position::id);
    }

    /** The sort value of a date parameter: the earliest start ascending, the latest end descending. */
    private static Instant sortDate(IndexEntries entries, SortKey s) {
        var dates = entries.values().stream().filter(v -> v instanceof IndexValue.Date && v.param().equals(s.param()))
                .map(v -> (IndexValue.Date) v);
        Optional<Instant> value = s.descending()
                ? dates.map(IndexValue.Date::high).max(Comparator.naturalOrder())
                : dates.map(IndexValue.Date::low).min(Comparator.naturalOrder());
        return value.orElse(null);
    }

    private static String sortText(IndexEntries entries, SortKey s) {
        var texts = entries.values().stream().filter(v -> v instanceof IndexValue.Text && v.param().equals(s.param()))
                .map(v -> ((IndexValue.Text) v).normalized());
        return (s.descending() ? texts.max(Comparator.naturalOrder()) : texts.min(Comparator.naturalOrder()))
                .orElse(null);
    }
}
