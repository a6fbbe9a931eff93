package org.bbehr.core.consent;

/**
 * Record categories, the bits of a grant's scopes. {@link #SENSITIVE} overrides the others: a sensitive resource is
 * in that category whatever its type, so it must be granted explicitly.
 */
public enum Category {
    DEMOGRAPHICS,
    ENCOUNTERS,
    CONDITIONS,
    ALLERGIES,
    MEDICATIONS,
    VITAL_SIGNS,
    LABORATORY,
    PROCEDURES,
    DOCUMENTS,
    CARE_PLANS,
    FINANCIAL,
    OTHER,
    SENSITIVE;

    /** This category's bit in a scopes bitmask. */
    public long bit() {
        return 1L << ordinal();
    }

    /** The bitmask of the given categories. */
    public static long scopes(Category... categories) {
        long scopes = 0;
        for (Category category : categories) {
            scopes |= category.bit();
        }
        return scopes;
    }
}
