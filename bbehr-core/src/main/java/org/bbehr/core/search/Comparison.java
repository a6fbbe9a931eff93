package org.bbehr.core.search;

/** A FHIR search prefix for dates, numbers and quantities. */
public enum Comparison {
    EQ, NE, GT, LT, GE, LE, SA, EB, AP;

    /** The prefix of {@code value} (two lower-case letters), or EQ when it has none. */
    public static Comparison prefixOf(String value) {
        if (value.length() > 2 && Character.isLetter(value.charAt(0)) && Character.isLetter(value.charAt(1))) {
            for (Comparison c : values()) {
                if (value.startsWith(c.name().toLowerCase(java.util.Locale.ROOT))) {
                    return c;
                }
            }
        }
        return EQ;
    }

    /** The length of this prefix in a value that carries it ({@code 0} for an implicit EQ). */
    public int length(String value) {
        return value.startsWith(name().toLowerCase(java.util.Locale.ROOT)) ? 2 : 0;
    }
}
