package org.bbehr.core.crypto;

import java.util.List;
import java.util.function.Supplier;

/**
 * Turns a protected value (an identifier, a name part, a birth date…) into a search token: a keyed hash under the
 * node's blind-index key, so the store can match equal values without ever holding them. Tokens reveal equality
 * and frequency to whoever holds the database, nothing more.
 */
public interface BlindIndex {

    /**
     * @param kind what the value is (e.g. {@code identifier}, {@code name}); equal values of different kinds give
     *     different tokens
     * @param normalizedValue the value, already normalized by the caller
     */
    String token(String kind, String normalizedValue);

    /**
     * The value's tokens under every key the index holds, the primary key's first: what a search matches. While a key
     * rotation re-indexes the stored tokens, a value is found whether its rows were made under the new key or the old.
     */
    default List<String> tokens(String kind, String normalizedValue) {
        return List.of(token(kind, normalizedValue));
    }

    /**
     * Runs {@code work}, which makes tokens and stores them, while the primary key cannot change. A key rotation
     * changes the primary only once no such work begun before is left, so no write stores tokens of the old key after
     * the re-index has passed its resource.
     */
    default <T> T withStablePrimary(Supplier<T> work) {
        return work.get();
    }
}
