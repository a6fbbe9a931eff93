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
import java.util.Optional;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.search.AccessClause;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Comparison;
import org.bbehr.core.search.Criterion;
import org.bbehr.core.search.SearchPage;
import org.bbehr.core.search.SearchQuery;
import org.bbehr.core.search.SortKey;
import org.postgresql.PGStatement;

/**
 * A {@link SearchQuery} as one SQL statement on the resources' state rows: each clause is one or more
 * {@code EXISTS} on a search table (criteria of one clause on the same table share one), which PostgreSQL plans as
 * semi-joins through the tables' value indexes. A query with one clause on a search table (such as
 * {@code Patient?name=ab}) is driven from that table instead: its value index gives the matching ids in id order, so
 * a page of the default order reads only that page's rows however many match. Pages continue after the position of
 * the previous page's last match (keyset paging), never by offset.
 */
final class SearchSql {

    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final StringBuilder sql = new StringBuilder();
    private final List<Object> parameters = new ArrayList<>();

    private SearchSql() {}

    /** The matching resources after {@code after}, in the query's order, at most its limit. */
    static SearchPage searchFrom(Connection c, SearchQuery query, Optional<SearchPage.Position> after)
            throws SQLException {
        List<SortKey> sort = query.sort();
        SearchSql s = new SearchSql();
        s.sql.append("SELECT q.id");
        for (int i = 0; i < sort.size(); i++) {
            s.sql.append(", q.s").append(i);
        }
        s.sql.append(" FROM (SELECT r.id");
        for (int i = 0; i < sort.size(); i++) {
            s.sql.append(", ");
            s.sortValue(sort.get(i));
            s.sql.append(" AS s").append(i);
        }
        s.from(query, after.filter(p -> idOrderOnly(sort)).map(p -> new IdBound(p.id(), descending(sort))));
        if (driver(query).isEmpty()) {
            // planned apart from the page's ORDER BY … LIMIT: otherwise PostgreSQL may walk every resource of the type
            // in id order, testing each, to find a page of rare matches (Observation?patient=…&code=…)
            s.sql.append(" OFFSET 0");
        }
        s.sql.append(") q");
        after.ifPresent(p -> {
            s.sql.append(" WHERE ");
            s.after(sort, p, 0);
        });
        s.orderBy(sort);
        s.sql.append(" LIMIT ?");
        s.parameters.add(query.limit());
        List<ResourceKey> keys = new ArrayList<>();
        SearchPage.Position last = null;
        try (PreparedStatement select = s.prepare(c); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String id = rows.getString(1);
                keys.add(new ResourceKey(query.type(), id));
                last = new SearchPage.Position(sortValues(rows, sort), id);
            }
        }
        return new SearchPage(keys, Optional.ofNullable(last));
    }

    /** How many resources match. */
    static long count(Connection c, SearchQuery query) throws SQLException {
        SearchSql s = new SearchSql();
        s.sql.append("SELECT count(*)");
        s.from(query, Optional.empty());
        try (PreparedStatement select = s.prepare(c); ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    /**
     * The statement, planned by PostgreSQL for its values on every execution: never a server-side prepared statement
     * (the driver's prepare threshold 0), since PostgreSQL switches a prepared statement to a generic plan after five
     * executions, and a generic plan does not know which value is selective. For {@code Observation?patient&code} on
     * 100,000 vital signs it drove from the code's 20,000 rows instead of the patient's 49: 300 ms instead of 1.
     * Planning each search costs well under a millisecond.
     */
    private PreparedStatement prepare(Connection c) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql.toString());
        statement.unwrap(PGStatement.class).setPrepareThreshold(0);
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
        return statement;
    }

    /** Where the ids after a position start, when the order is by id alone. */
    private record IdBound(String id, boolean descending) {}

    /**
     * The resources that match, as {@code r}: from the one clause on a search table when there is one (see the class
     * comment), else from the type's state rows with every clause an {@code EXISTS}.
     */
    private void from(SearchQuery query, Optional<IdBound> idBound) {
        Optional<Clause> driver = driver(query);
        if (driver.isPresent()) {
            List<Criterion> criteria = driver.get().anyOf();
            Criterion first = criteria.getFirst();
            sql.append(" FROM (SELECT DISTINCT x.id FROM ").append(tableOf(first)).append(" x WHERE x.type = ?");
            parameters.add(query.type());
            values(first, criteria);
            idBound.ifPresent(b -> {
                sql.append(b.descending() ? " AND x.id < ?" : " AND x.id > ?");
                parameters.add(b.id());
            });
            sql.append(") d JOIN resources r ON r.type = ? AND r.id = d.id WHERE NOT r.deleted AND NOT r.erased");
        } else {
            sql.append(" FROM resources r WHERE r.type = ? AND NOT r.deleted AND NOT r.erased");
        }
        parameters.add(query.type());
        query.access().ifPresent(this::access);
        for (Clause clause : query.clauses()) {
            if (driver.isPresent() && clause == driver.get()) {
                continue;
            }
            sql.append(clause.negated() ? " AND NOT (" : " AND (");
            clause(clause);
            sql.append(')');
        }
    }

    /** Only the resources the actor may see: of an admitted category, in an admitted patient's compartment. */
    private void access(AccessClause access) {
        sql.append(" AND r.category = ANY(?::int[])");
        parameters.add(access.categories().stream().map(Enum::ordinal).toArray(Integer[]::new));
        sql.append(" AND (r.compartment && ?::text[]");
        parameters.add(access.patients().toArray(String[]::new));
        sql.append(access.uncompartmented() ? " OR r.compartment = '{}')" : ")");
    }

    /**
     * The clause to drive the query from: the only clause that must hold on a search table, when all its criteria
     * are on one table and parameter. Queries with several such clauses are left to the planner, which knows better
     * which of them is selective.
     */
    private static Optional<Clause> driver(SearchQuery query) {
        List<Clause> onTables = query.clauses().stream().filter(c -> !c.negated())
                .filter(c -> c.anyOf().stream().allMatch(criterion -> tableOf(criterion) != null)).toList();
        if (onTables.size() != 1) {
            return Optional.empty();
        }
        Clause clause = onTables.getFirst();
        Criterion first = clause.anyOf().getFirst();
        boolean oneGroup = clause.anyOf().stream().allMatch(criterion -> tableOf(criterion).equals(tableOf(first))
                && java.util.Objects.equals(paramOf(criterion), paramOf(first)));
        return oneGroup ? Optional.of(clause) : Optional.empty();
    }

    private static boolean idOrderOnly(List<SortKey> sort) {
        return sort.isEmpty() || (sort.size() == 1 && sort.getFirst().kind() == SortKey.Kind.ID);
    }

    private static boolean descending(List<SortKey> sort) {
        return !sort.isEmpty() && sort.getFirst().descending();
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
            values(first, group);
            sql.append(')');
            or = " OR ";
        }
    }

    /** The conditions on a search table's row {@code x} of criteria on one table and parameter, OR'ed. */
    private void values(Criterion first, List<Criterion> group) {
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
        sql.append(')');
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
        if (r.targetId() == null) {
            equal("x.target_type", r.targetType());
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
        for (int i = 0; i < sort.size(); i++) {
            sql.append("q.s").append(i).append(sort.get(i).descending() ? " DESC" : " ASC").append(" NULLS LAST, ");
        }
        sql.append("q.id");
    }

    /** A resource's value of a sort key: its id or time, or the earliest start (latest end) of a parameter's values. */
    private void sortValue(SortKey key) {
        switch (key.kind()) {
            case ID -> sql.append("r.id");
            case LAST_UPDATED -> sql.append("r.last_updated");
            case DATE -> aggregate(key, key.descending() ? "max(x.high)" : "min(x.low)", "search_date");
            case TEXT -> aggregate(key, key.descending() ? "max(x.value)" : "min(x.value)", "search_string");
        }
    }

    private void aggregate(SortKey key, String aggregate, String table) {
        sql.append("(SELECT ").append(aggregate).append(" FROM ").append(table)
                .append(" x WHERE x.type = r.type AND x.id = r.id AND x.param = ?)");
        parameters.add(key.param());
    }

    /**
     * The rows of {@code q} after {@code position} in the order of {@code sort} from key {@code index} on: a greater
     * (smaller, descending) value, or no value where the position has one, or the same value and after it on the next
     * keys; ties end on the id.
     */
    private void after(List<SortKey> sort, SearchPage.Position position, int index) {
        if (index == sort.size()) {
            sql.append("q.id > ?");
            parameters.add(position.id());
            return;
        }
        String column = "q.s" + index;
        Object value = position.sortValues().get(index);
        if (value == null) {
            sql.append('(').append(column).append(" IS NULL AND ");
            after(sort, position, index + 1);
            sql.append(')');
            return;
        }
        Object bound = value instanceof Instant instant ? time(instant) : value;
        sql.append('(').append(column).append(sort.get(index).descending() ? " < ?" : " > ?").append(" OR ")
                .append(column).append(" IS NULL OR (").append(column).append(" = ? AND ");
        parameters.add(bound);
        parameters.add(bound);
        after(sort, position, index + 1);
        sql.append("))");
    }

    /** The sort values of the current row, as {@link #searchFrom} selects them after the id. */
    private static List<Object> sortValues(ResultSet row, List<SortKey> sort) throws SQLException {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < sort.size(); i++) {
            values.add(switch (sort.get(i).kind()) {
                case ID, TEXT -> row.getString(i + 2);
                case LAST_UPDATED, DATE -> {
                    OffsetDateTime time = row.getObject(i + 2, OffsetDateTime.class);
                    yield time == null ? null : time.toInstant();
                }
            });
        }
        return values;
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
