package org.bbehr.core.crypto;

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
}
