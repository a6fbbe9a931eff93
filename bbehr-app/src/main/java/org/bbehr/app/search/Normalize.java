package org.bbehr.app.search;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** How strings are compared in searches: lower case, accents removed (Zoë matches zoe), whitespace collapsed. */
public final class Normalize {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private Normalize() {}

    /** Letters that carry no combining mark to strip, spelled as their usual Latin transcription. */
    private static final String[][] LETTERS = {{"æ", "ae"}, {"ø", "o"}, {"œ", "oe"}, {"ß", "ss"}, {"ł", "l"},
            {"đ", "d"}, {"ð", "d"}, {"þ", "th"}, {"ı", "i"}};

    /** The normalized form of {@code value}. */
    public static String text(String value) {
        String stripped = MARKS.matcher(Normalizer.normalize(value, Normalizer.Form.NFD)).replaceAll("");
        String lower = stripped.toLowerCase(Locale.ROOT);
        for (String[] letter : LETTERS) {
            if (lower.contains(letter[0])) {
                lower = lower.replace(letter[0], letter[1]);
            }
        }
        return SPACES.matcher(lower).replaceAll(" ").strip();
    }

    /** The normalized words of {@code value}: letters and digits, split at anything else. */
    public static List<String> words(String value) {
        return Arrays.stream(NOT_WORD.split(text(value))).filter(w -> !w.isEmpty()).toList();
    }
}
