package org.bbehr.core.record;

import java.util.Objects;
import java.util.Set;
import org.bbehr.core.consent.Category;

/**
 * What an access decision needs to know of a version without decrypting it, stored with the version when it is
 * written: the Patients whose compartment it is in (their resource ids; a Patient is in its own) and its consent
 * category ({@link Category#SENSITIVE} when labelled so, whatever its type).
 */
public record AccessLabels(Set<String> compartment, Category category) {

    /** No patient's compartment, category {@link Category#OTHER}: for writes that name no labels (tests, tools). */
    public static final AccessLabels UNLABELLED = new AccessLabels(Set.of(), Category.OTHER);

    public AccessLabels {
        compartment = Set.copyOf(compartment);
        Objects.requireNonNull(category, "category");
    }

    /**
     * These labels judged with the current version's: the stricter category (relabelling a record sensitive
     * protects its history too) and every patient in either compartment.
     */
    public AccessLabels withCurrent(AccessLabels current) {
        Category stricter = current.category == Category.SENSITIVE ? Category.SENSITIVE : category;
        if (current.compartment.equals(compartment) && stricter == category) {
            return this;
        }
        java.util.Set<String> both = new java.util.HashSet<>(compartment);
        both.addAll(current.compartment);
        return new AccessLabels(both, stricter);
    }
}
