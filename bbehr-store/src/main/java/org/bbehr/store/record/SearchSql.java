package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Comparison;
import org.bbehr.core.search.Criterion;
import org.bbehr.core.search.SearchQuery;
import org.bbehr.core.search.SortKey;

/**
 * A {@link SearchQuery} as one SQL statement on the resources' state rows: each clause is one or more
 * {@code EXISTS} on a search table (criteria of one clause on the same table share one), which PostgreSQL plans as
 * semi-joins through the tables' value indexes.
 */
final class SearchSql {

    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final StringBuilder sql = new StringBuilder();
    private final List<Object> parameters = new ArrayList<>();

    private SearchSql() {}

    /** The matching resources, in the query's order, at most its limit. */
    static List<ResourceKey> search(Connection c, SearchQuery query) throws SQLException {
        SearchSql s = new SearchSql();
        s.sql.append("SELECT r.id FROM resources r");
        s.where(query);
        s.orderBy(query.sort());
        s.sql.append(" LIMIT ?");
        s.parameters.add(query.limit());
        List<ResourceKey> keys = new ArrayList<>();
        try (PreparedStatement select = s.prepare(c); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                keys.add(new ResourceKey(query.type(), rows.getString(1)));
            }
        }
        return keys;
    }

    /** How many resources match. */
    static long count(Connection c, SearchQuery query) throws SQLException {
        SearchSql s = new SearchSql();
        s.sql.append("SELECT count(*) FROM resources r");
        s.where(query);
        try (PreparedStatement select = s.prepare(c); ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private PreparedStatement prepare(Connection c) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql.toString());
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
        return statement;
    }

    private void where(SearchQuery query) {
        sql.append(" WHERE r.type = ? AND NOT r.deleted AND NOT r.erased");
        parameters.add(query.type());
        for (Clause clause : query.clauses()) {
            sql.append(clause.negated() ? " AND NOT (" : " AND (");
            clause(clause);
            sql.append(')');
        }
    }

    /** The criteria of one clause, OR'ed; those on the same search table and parameter share one EXISTS. */
    private void clause(Clause clause) {
        Map<String, List<Criterion>> byTable = new LinkedHashMap<>();
        List<Criterion> direct = new ArrayList<>();
        for (Criterion criterion : clause.anyOf()) {
            String table = tableOf(criterion);
            if (table == null) {
                direct.add(criterion);
            } else {
                byTable.computeIfAbsent(table + "|" + paramOf(criterion), t -> new ArrayList<>()).add(criterion);
            }
        }
        String or = "";
        for (Criterion criterion : direct) {
            sql.append(or);
            direct(criterion);
            or = " OR ";
        }
        for (List<Criterion> group : byTable.values()) {
            Criterion first = group.getFirst();
            sql.append(or).append("EXISTS (SELECT 1 FROM ").append(tableOf(first))
                    .append(" x WHERE x.type = r.type AND x.id = r.id");
            if (paramOf(first) != null) {
                sql.append(" AND x.param = ?");
                parameters.add(paramOf(first));
            }
            sql.append(" AND (");
            String innerOr = "";
            for (Criterion criterion : group) {
                sql.append(innerOr).append('(');
                value(criterion);
                sql.append(')');
                innerOr = " OR ";
            }
            sql.append("))");
            or = " OR ";
        }
    }

    private void direct(Criterion criterion) {
        switch (criterion) {
            case Criterion.IdIs id -> {
                sql.append("r.id = ?");
                parameters.add(id.id());
            }
            case Criterion.LastUpdatedIn in -> dateCondition(in.comparison(), "r.last_updated",
                    "(r.last_updated + interval '1 microsecond')", in.low(), in.high());
            case Criterion.Missing missing -> {
                sql.append(missing.missing() ? "NOT " : "").append("EXISTS (SELECT 1 FROM ")
                        .append(table(missing.kind())).append(" x WHERE x.type = r.type AND x.id = r.id");
                if (missing.kind() != Criterion.IndexKind.IDENTIFIER) {
                    sql.append(" AND x.param = ?");
                    parameters.add(missing.param());
                }
                sql.append(')');
            }
            default -> throw new IllegalArgumentException("not a direct criterion: " + criterion);
        }
    }

    /** The condition on the search table's row {@code x}. */
    private void value(Criterion criterion) {
        switch (criterion) {
            case Criterion.TokenIs t -> {
                sql.append("true");
                if (t.system() != null) {
                    sql.append(" AND x.system = ?");
                    parameters.add(t.system());
                }
                if (t.code() != null) {
                    sql.append(" AND x.code = ?");
                    parameters.add(t.code());
                }
            }
            case Criterion.BlindIs b -> anyOf("x.token", b.tokens());
            case Criterion.IdentifierIs i -> anyOf("x.token", i.tokens());
            case Criterion.TextMatches t -> {
                switch (t.mode()) {
                    case EXACT -> equal("x.value", t.value());
                    case PREFIX -> like("x.value", escapeLike(t.value()) + "%");
                    case CONTAINS -> like("x.value", "%" + escapeLike(t.value()) + "%");
                }
            }
            case Criterion.DateIn d -> dateCondition(d.comparison(), "x.low", "x.high", d.low(), d.high());
            case Criterion.NumberIn n -> number(n);
            case Criterion.UriIs u -> {
                if (u.below()) {
                    like("x.uri", escapeLike(u.uri()) + "%");
                } else {
                    equal("x.uri", u.uri());
                }
            }
            case Criterion.ReferenceTo r -> reference(r);
            default -> throw new IllegalArgumentException("not a value criterion: " + criterion);
        }
    }

    private void reference(Criterion.ReferenceTo r) {
        if (r.url() != null) {
            equal("x.url", r.url());
            return;
        }
        equal("x.target_id", r.targetId());
        if (r.targetType() != null) {
            sql.append(" AND ");
            equal("x.target_type", r.targetType());
        }
    }

    private void number(Criterion.NumberIn n) {
        if (n.system() != null) {
            equal("x.system", n.system());
            sql.append(" AND ");
        }
        if (n.code() != null) {
            equal("x.code", n.code());
            sql.append(" AND ");
        }
        String within = "(x.low >= ? AND x.high < ?)";
        switch (n.comparison()) {
            case EQ -> bind(within, n.low(), n.high());
            case NE -> bind("NOT " + within, n.low(), n.high());
            case GT -> bind("x.high > ?", n.value());
            case LT -> bind("x.low < ?", n.value());
            case GE -> bind("x.high >= ?", n.value());
            case LE -> bind("x.low <= ?", n.value());
            case SA -> bind("x.low > ?", n.value());
            case EB -> bind("x.high < ?", n.value());
            case AP -> bind("x.low <= ? AND x.high >= ?", n.value().multiply(new java.math.BigDecimal("1.1")),
                    n.value().multiply(new java.math.BigDecimal("0.9")));
        }
    }

    /** FHIR's comparison of the range {@code [low, high)} with the search value's range {@code [pl, ph)}. */
    private void dateCondition(Comparison comparison, String low, String high, Instant pl, Instant ph) {
        OffsetDateTime l = time(pl);
        OffsetDateTime h = time(ph);
        String within = "(" + low + " >= ? AND " + high + " <= ?)";
        switch (comparison) {
            case EQ -> bind(within, l, h);
            case NE -> bind("NOT " + within, l, h);
            case GT -> bind(high + " > ?", h);
            case LT -> bind(low + " < ?", l);
            case GE -> bind("(" + high + " > ? OR " + within + ")", h, l, h);
            case LE -> bind("(" + low + " < ? OR " + within + ")", l, l, h);
            case SA -> bind(low + " >= ?", h);
            case EB -> bind(high + " <= ?", l);
            case AP -> bind(low + " < ? AND " + high + " > ?", h, l);
        }
    }

    private void orderBy(List<SortKey> sort) {
        sql.append(" ORDER BY ");
        for (SortKey key : sort) {
            String direction = key.descending() ? " DESC" : " ASC";
            switch (key.kind()) {
                case ID -> sql.append("r.id").append(direction);
                case LAST_UPDATED -> sql.append("r.last_updated").append(direction);
                case DATE -> sortValue(key, key.descending() ? "max(x.high)" : "min(x.low)", "search_date");
                case TEXT -> sortValue(key, key.descending() ? "max(x.value)" : "min(x.value)", "search_string");
            }
            sql.append(", ");
        }
        sql.append("r.id");
    }

    private void sortValue(SortKey key, String aggregate, String table) {
        sql.append("(SELECT ").append(aggregate).append(" FROM ").append(table)
                .append(" x WHERE x.type = r.type AND x.id = r.id AND x.param = ?)")
                .append(key.descending() ? " DESC" : " ASC").append(" NULLS LAST");
        parameters.add(key.param());
    }

    private void equal(String column, String value) {
        sql.append(column).append(" = ?");
        parameters.add(value);
    }

    /** One of several values: a single one as {@code =}, which plans as well as before; more as {@code = ANY}. */
    private void anyOf(String column, List<String> values) {
        if (values.size() == 1) {
            equal(column, values.getFirst());
            return;
        }
        sql.append(column).append(" = ANY(?::text[])");
        parameters.add(values.toArray(String[]::new));
    }

    private void like(String column, String pattern) {
        sql.append(column).append(" LIKE ?");
        parameters.add(pattern);
    }

    private void bind(String condition, Object... values) {
        sql.append(condition);
        parameters.addAll(List.of(values));
    }

    private static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static OffsetDateTime time(Instant instant) {
        Instant clamped = instant.isBefore(EARLIEST) ? EARLIEST : instant.isAfter(LATEST) ? LATEST : instant;
        return OffsetDateTime.ofInstant(clamped, ZoneOffset.UTC);
    }

    private static String tableOf(Criterion criterion) {
        return switch (criterion) {
            case Criterion.TokenIs t -> "search_token";
            case Criterion.BlindIs b -> "search_blind";
            case Criterion.IdentifierIs i -> "identifier_tokens";
            case Criterion.TextMatches t -> "search_string";
            case Criterion.DateIn d -> "search_date";
            case Criterion.NumberIn n -> "search_number";
            case Criterion.UriIs u -> "search_uri";
            case Criterion.ReferenceTo r -> "search_reference";
            default -> null;
        };
    }

    private static String paramOf(Criterion criterion) {
        return switch (criterion) {
            case Criterion.TokenIs t -> t.param();
            case Criterion.BlindIs b -> b.param();
            case Criterion.TextMatches t -> t.param();
            case Criterion.DateIn d -> d.param();
            case Criterion.NumberIn n -> n.param();
            case Criterion.UriIs u -> u.param();
            case Criterion.ReferenceTo r -> r.param();
            default -> null;
        };
    }

    private static String table(Criterion.IndexKind kind) {
        return switch (kind) {
            case TOKEN -> "search_token";
            case BLIND -> "search_blind";
            case TEXT -> "search_string";
            case DATE -> "search_date";
            case NUMBER -> "search_number";
            case URI -> "search_uri";
            case REFERENCE -> "search_reference";
            case IDENTIFIER -> "identifier_tokens";
        };
    }
}
