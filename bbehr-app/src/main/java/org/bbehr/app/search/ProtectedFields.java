package org.bbehr.app.search;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.BlindIndex;

/**
 * The person-identifying search parameters, indexed only as blind-index tokens: names (each normalized word and its
 * prefixes from 3 characters; a shorter word as itself), birth date (at year and day precision, {@code eq} only),
 * telecom and address (exact, normalized), and identifiers (of every type, in the identifier index). Every token is
 * keyed by its resource type and parameter, so the same surname gives unrelated tokens as a Patient's family name
 * and as a Practitioner's, or as a family and a given name. The same class makes the tokens of the values written and
 * of the values searched, so they agree. What they still leak is measured in docs/search.md.
 */
public final class ProtectedFields {

    /** The types whose names, birth dates, telecom and addresses identify a person. */
    static final Set<String> PERSON_TYPES = Set.of("Patient", "Practitioner", "RelatedPerson", "Person");

    /** How a protected parameter is matched. */
    public enum Kind { NAME, BIRTH_DATE, EXACT }

    /** Names longer than this are indexed by their prefixes up to this length; longer search values are cut to it. */
    static final int MAX_PREFIX = 32;
    /**
     * The shortest prefix indexed: a token per 2-letter prefix told, by its frequency, the first letters of most
     * names. A search word shorter than this matches words of exactly that word.
     */
    static final int MIN_PREFIX = 3;

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

    /** The tokens a name part adds: each word's prefixes from 3 characters (a shorter word as itself). */
    Set<String> nameTokens(String type, String param, String value) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String word : Normalize.words(value)) {
            int max = Math.min(word.length(), MAX_PREFIX);
            for (int end = Math.min(MIN_PREFIX, max); end <= max; end++) {
                tokens.add(token(type, param, word.substring(0, end)));
            }
        }
        return tokens;
    }

    /** The tokens to search a name word by (a word shorter than 3 matches only that word), one per key. */
    List<String> nameQueryTokens(String type, String param, String word) {
        return queryTokens(type, param, word.length() > MAX_PREFIX ? word.substring(0, MAX_PREFIX) : word);
    }

    /**
     * The tokens of a birth date: its year and its day, as far as the date is precise. No month token: one told who
     * shares a birth month, and few searches need it.
     */
    Set<String> birthDateTokens(String type, String param, String date) {
        Set<String> tokens = new LinkedHashSet<>();
        for (int length : new int[] {4, 10}) {
            if (date.length() >= length) {
                tokens.add(token(type, param, date.substring(0, length)));
            }
        }
        return tokens;
    }

    /**
     * The tokens to search a birth date by, at its own precision: a year or a day.
     *
     * @throws BbehrException {@code SEARCH_PROTECTED_FIELD} for a month
     */
    List<String> birthDateQueryTokens(String type, String param, String date) {
        if (date.length() >= 7 && date.length() < 10) {
            throw new BbehrException(ErrorCode.SEARCH_PROTECTED_FIELD, "'" + param + "' is a protected field,"
                    + " searched by a year or a full date: a month is not indexed (its token would tell who shares a"
                    + " birth month)");
        }
        return queryTokens(type, param, date.substring(0, date.length() >= 10 ? 10 : 4));
    }

    /** The token of an exact protected value, e.g. a phone number or a city. */
    String exactToken(String type, String param, String value) {
        return token(type, param, Normalize.text(value));
    }

    /** The tokens to search an exact protected value by. */
    List<String> exactQueryTokens(String type, String param, String value) {
        return queryTokens(type, param, Normalize.text(value));
    }

    /** Tokens of each of several exact values. */
    Set<String> exactTokens(String type, String param, List<String> values) {
        Set<String> tokens = new LinkedHashSet<>();
        values.stream().filter(v -> v != null && !v.isBlank()).forEach(v -> tokens.add(exactToken(type, param, v)));
        return tokens;
    }

    /** The token to store: under the blind index's primary key, keyed by the type and the parameter. */
    String token(String type, String param, String normalized) {
        return blindIndex.token(domain(type, param), normalized);
    }

    /**
     * The tokens to search by: under every key of the blind index, so a key rotation changes no answer; and, for
     * values indexed before tokens were keyed by type (until the next blind-index rotation re-indexes them), their
     * tokens keyed by the parameter alone.
     */
    List<String> queryTokens(String type, String param, String normalized) {
        List<String> tokens = new ArrayList<>(blindIndex.tokens(domain(type, param), normalized));
        tokens.addAll(blindIndex.tokens("search:" + param, normalized));
        return tokens;
    }

    private static String domain(String type, String param) {
        return "search:" + type + ":" + param;
    }
}
