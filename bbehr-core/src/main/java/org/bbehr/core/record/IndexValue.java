package org.bbehr.core.record;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One value of a search parameter of a version, as the store indexes it. Protected values (names, birth dates,
 * telecom, addresses) come only as {@link Blind} tokens; clinical values come in plain form, tied to the resource's
 * random id.
 */
public sealed interface IndexValue {

    /** The search parameter's name, e.g. {@code code}, {@code subject}. */
    String param();

    /** A token: {@code system} is empty when the value has none. */
    record Token(String param, String system, String code) implements IndexValue {
        public Token {
            system = system == null ? "" : system;
        }
    }

    /** A blind-index token of a protected value: the store never sees the value. */
    record Blind(String param, String token) implements IndexValue {}

    /** A string, normalized (lower case, accents removed). */
    record Text(String param, String normalized) implements IndexValue {}

    /** A date range, {@code low} inclusive, {@code high} exclusive. */
    record Date(String param, Instant low, Instant high) implements IndexValue {}

    /** A number or quantity range, both ends inclusive; {@code system} and {@code code} are empty for numbers. */
    record Number(String param, BigDecimal low, BigDecimal high, String system, String code) implements IndexValue {
        public Number {
            system = system == null ? "" : system;
            code = code == null ? "" : code;
        }
    }

    /** A URI or canonical URL. */
    record Uri(String param, String uri) implements IndexValue {}

    /**
     * A reference: {@code targetType}/{@code targetId} for a resource of this server, else empty, and {@code url} for
     * an absolute URL (else empty).
     */
    record Reference(String param, String targetType, String targetId, String url) implements IndexValue {
        public Reference {
            targetType = targetType == null ? "" : targetType;
            targetId = targetId == null ? "" : targetId;
            url = url == null ? "" : url;
        }
    }
}
