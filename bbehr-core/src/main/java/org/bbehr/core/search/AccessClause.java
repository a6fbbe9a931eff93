package org.bbehr.core.search;

import java.util.EnumSet;
import java.util.Set;
import org.bbehr.core.consent.Category;
import org.bbehr.core.record.AccessLabels;

/**
 * The part of the store a restricted actor's search sees, as a clause of the query itself, so that results, totals and
 * pages count only what the actor may see: resources in the compartment of one of {@code patients} (or in no
 * patient's compartment, when {@code uncompartmented}) whose current category is one of {@code categories}.
 */
public record AccessClause(Set<String> patients, boolean uncompartmented, Set<Category> categories) {

    public AccessClause {
        patients = Set.copyOf(patients);
        categories = categories.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(categories));
    }

    /** Whether a resource with these current labels is visible. */
    public boolean admits(AccessLabels labels) {
        if (!categories.contains(labels.category())) {
            return false;
        }
        if (labels.compartment().isEmpty()) {
            return uncompartmented;
        }
        return labels.compartment().stream().anyMatch(patients::contains);
    }
}
