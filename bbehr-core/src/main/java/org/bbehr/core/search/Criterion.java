package org.bbehr.core.search;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One condition on a resource's indexed values. Values are what the store holds: protected values arrive here only
 * as blind-index tokens, computed by the node from the search value.
 */
public sealed interface Criterion {

    /** How a string search value matches: as a prefix (the default), exactly, or anywhere. */
    enum TextMode { PREFIX, EXACT, CONTAINS }

    /** A token; a null {@code system} matches any system, an empty one only values without a system; a null code any code. */
    record TokenIs(String param, String system, String code) implements Criterion {}

    /**
     * A protected value, as its blind-index tokens: one per key the blind index holds (several while a key rotation
     * re-indexes), any of which matches.
     */
    record BlindIs(String param, List<String> tokens) implements Criterion {
        public BlindIs {
            tokens = List.copyOf(tokens);
        }

        public BlindIs(String param, String token) {
            this(param, List.of(token));
        }
    }

    /** An identifier, as its blind-index tokens (see the identifier index), any of which matches. */
    record IdentifierIs(List<String> tokens) implements Criterion {
        public IdentifierIs {
            tokens = List.copyOf(tokens);
        }

        public IdentifierIs(String token) {
            this(List.of(token));
        }
    }

    /** A normalized string (lower case, accents removed). */
    record TextMatches(String param, String value, TextMode mode) implements Criterion {}

    /** A date range, {@code low} inclusive and {@code high} exclusive, compared by {@code comparison}. */
    record DateIn(String param, Comparison comparison, Instant low, Instant high) implements Criterion {}

    /**
     * A number or quantity: {@code value} as written, {@code [low, high)} its range from its precision; a null
     * {@code system} or {@code code} matches any unit.
     */
    record NumberIn(String param, Comparison comparison, BigDecimal value, BigDecimal low, BigDecimal high,
            String system, String code) implements Criterion {}

    /** A URI, exactly, or any URI that starts with it ({@code below}). */
    record UriIs(String param, String uri, boolean below) implements Criterion {}

    /**
     * A reference: to {@code targetType/targetId} of this server (a null type matches any), or to an absolute
     * {@code url}; with neither id nor url, to any resource of {@code targetType}, of this server or at a URL.
     */
    record ReferenceTo(String param, String targetType, String targetId, String url) implements Criterion {

        public ReferenceTo {
            if (targetId == null && url == null && targetType == null) {
                throw new IllegalArgumentException("a reference criterion needs an id, a url or a type");
            }
        }
    }

    /** The resource's logical id. */
    record IdIs(String id) implements Criterion {}

    /** The time of the resource's current version. */
    record LastUpdatedIn(Comparison comparison, Instant low, Instant high) implements Criterion {}

    /** The resource has no value ({@code missing}) or some value of the parameter, in the index of {@code kind}. */
    record Missing(String param, IndexKind kind, boolean missing) implements Criterion {}

    /** Which index a parameter's values are in. */
    enum IndexKind { TOKEN, BLIND, TEXT, DATE, NUMBER, URI, REFERENCE, IDENTIFIER }
}
