package org.bbehr.app.search;

import java.util.ArrayList;
import java.util.List;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Comparison;
import org.bbehr.core.search.Criterion;

/** Search values of protected fields, turned into blind-index tokens, with the limits that tokens impose. */
final class ProtectedValues {

    private ProtectedValues() {}

    /**
     * A name: every word must match the start of a word of the name (a word of one or two characters: that whole
     * word). Several words are AND; comma-separated alternatives must be one word each.
     */
    static List<Clause> names(ProtectedFields fields, String type, String name, List<String> items) {
        if (items.size() == 1) {
            List<String> words = Normalize.words(items.getFirst());
            if (words.isEmpty()) {
                throw tooShort(name);
            }
            List<Clause> clauses = new ArrayList<>();
            for (String word : words) {
                clauses.add(Clause.of(new Criterion.BlindIs(name, fields.nameQueryTokens(type, name, word))));
            }
            return clauses;
        }
        List<Criterion> anyOf = new ArrayList<>();
        for (String item : items) {
            List<String> words = Normalize.words(item);
            if (words.size() != 1) {
                throw new BbehrException(ErrorCode.SEARCH_PROTECTED_FIELD, "'" + name + "' is a protected field:"
                        + " comma-separated alternatives must be one word each");
            }
            anyOf.add(new Criterion.BlindIs(name, fields.nameQueryTokens(type, name, words.getFirst())));
        }
        return List.of(new Clause(anyOf, false));
    }

    private static BbehrException tooShort(String name) {
        return new BbehrException(ErrorCode.SEARCH_PROTECTED_FIELD, "'" + name + "' is a protected field, searched"
                + " by the start of each word: give at least one letter");
    }

    /** A birth date: {@code eq} only, at year or day precision. */
    static Clause birthDates(ProtectedFields fields, String type, String name, List<String> items) {
        List<Criterion> anyOf = new ArrayList<>();
        for (String item : items) {
            Comparison comparison = Comparison.prefixOf(item);
            String date = item.substring(comparison.length(item));
            if (comparison != Comparison.EQ) {
                throw new BbehrException(ErrorCode.SEARCH_PROTECTED_FIELD, "'" + name + "' is a protected field,"
                        + " indexed only as blind-index tokens: it supports eq (no prefix) at year or day precision,"
                        + " not ranges such as " + comparison.name().toLowerCase(java.util.Locale.ROOT));
            }
            DateRanges.Range range = SearchValues.dateRange(name, date);
            if (range.precision() == DateRanges.Precision.TIME) {
                throw new BbehrException(ErrorCode.SEARCH_PROTECTED_FIELD, "'" + name + "' is searched at year"
                        + " or day precision");
            }
            anyOf.add(new Criterion.BlindIs(name, fields.birthDateQueryTokens(type, name, date)));
        }
        return new Clause(anyOf, false);
    }
}
