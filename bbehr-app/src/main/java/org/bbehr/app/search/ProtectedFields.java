package org.bbehr.app.search;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bbehr.core.crypto.BlindIndex;

/**
 * The person-identifying search parameters, indexed only as blind-index tokens: names (each normalized word and its
 * prefixes from 2 characters), birth date (at year, month and day precision, {@code eq} only), telecom and address
 * (exact, normalized), and identifiers (of every type, in the identifier index). The same class makes the tokens of
 * the values written and of the values searched, so they agree.
 */
public final class ProtectedFields {

    /** The types whose names, birth dates, telecom and addresses identify a person. */
    static final Set<String> PERSON_TYPES = Set.of("Patient", "Practitioner", "RelatedPerson", "Person");

    /** How a protected parameter is matched. */
    public enum Kind { NAME, BIRTH_DATE, EXACT }

    /** Names longer than this are indexed by their prefixes up to this length; longer search values are cut to it. */
    static final int MAX_PREFIX = 32;
    static final int MIN_PREFIX = 2;

    private static final Set<String> NAMES = Set.of("name", "family", "given", "phonetic");
    private static final Set<String> EXACT = Set.of("telecom", "phone", "email", "address", "address-city",
            "address-country", "address-postalcode", "address-state");

    private final BlindIndex blindIndex;

    public ProtectedFields(BlindIndex blindIndex) {
        this.blindIndex = blindIndex;
    }

    /** How {@code type}'s parameter {@code param} is protected, or null when it is not. */
    public static Kind kindOf(String type, String param) {
        if (!PERSON_TYPES.contains(type)) {
            return null;
        }
        if (NAMES.contains(param)) {
            return Kind.NAME;
        }
        if (param.equals("birthdate")) {
            return Kind.BIRTH_DATE;
        }
        return EXACT.contains(param) ? Kind.EXACT : null;
    }

    /** The tokens a name part adds: each word's prefixes from 2 characters (a 1-character word as itself). */
    Set<String> nameTokens(String param, String value) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String word : Normalize.words(value)) {
            int max = Math.min(word.length(), MAX_PREFIX);
            for (int end = Math.min(MIN_PREFIX, max); end <= max; end++) {
                tokens.add(token(param, word.substring(0, end)));
            }
        }
        return tokens;
    }

    /** The tokens to search a name word by (at least 2 characters), one per key of the blind index. */
    List<String> nameQueryTokens(String param, String word) {
        return queryTokens(param, word.length() > MAX_PREFIX ? word.substring(0, MAX_PREFIX) : word);
    }

    /** The tokens of a birth date: its year, month and day, as far as the date is precise. */
    Set<String> birthDateTokens(String param, String date) {
        Set<String> tokens = new LinkedHashSet<>();
        for (int length : new int[] {4, 7, 10}) {
            if (date.length() >= length) {
                tokens.add(token(param, date.substring(0, length)));
            }
        }
        return tokens;
    }

    /** The tokens to search a birth date by, at its own precision (year, month or day). */
    List<String> birthDateQueryTokens(String param, String date) {
        int precision = date.length() >= 10 ? 10 : date.length() >= 7 ? 7 : 4;
        return queryTokens(param, date.substring(0, precision));
    }

    /** The token of an exact protected value, e.g. a phone number or a city. */
    String exactToken(String param, String value) {
        return token(param, Normalize.text(value));
    }

    /** The tokens to search an exact protected value by. */
    List<String> exactQueryTokens(String param, String value) {
        return queryTokens(param, Normalize.text(value));
    }

    /** Tokens of each of several exact values. */
    Set<String> exactTokens(String param, List<String> values) {
        Set<String> tokens = new LinkedHashSet<>();
        values.stream().filter(v -> v != null && !v.isBlank()).forEach(v -> tokens.add(exactToken(param, v)));
        return tokens;
    }

    /** The token to store: under the blind index's primary key. */
    String token(String param, String normalized) {
        return blindIndex.token("search:" + param, normalized);
    }

    /** The tokens to search by: under every key of the blind index, so a key rotation changes no answer. */
    List<String> queryTokens(String param, String normalized) {
        return blindIndex.tokens("search:" + param, normalized);
    }
}
