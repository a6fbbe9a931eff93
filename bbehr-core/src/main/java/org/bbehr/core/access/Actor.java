package org.bbehr.core.access;

import java.util.Objects;
import java.util.Optional;
import org.bbehr.core.consent.Purpose;

/**
 * Who acts on the records, as every call through {@link RecordAccess} names it: a person or a client system, its role,
 * the hospital it acts for, the Patient resource it is linked to (a patient's own record), why it acts, and whether it
 * declared break-glass.
 *
 * @param kind a person, a client system, or the node itself
 * @param id the user's or client's id (never a name), or the node's own name for its work
 * @param hospitalId the hospital it acts for, when known
 * @param patient the id of the Patient resource a patient user is linked to
 */
public record Actor(Kind kind, String id, Role role, Optional<Long> hospitalId, Optional<String> patient,
        Purpose purpose, boolean breakGlass) {

    /** What kind of party acts. */
    public enum Kind { USER, CLIENT, SYSTEM }

    /** The role the actor acts in. */
    public enum Role { SYSTEM, CONSORTIUM_ADMIN, HOSPITAL_ADMIN, PRACTITIONER, PATIENT, AUDITOR }

    public Actor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(hospitalId, "hospitalId");
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(purpose, "purpose");
    }

    /**
     * The node itself, or a request before login exists: sees and writes the whole store. The only actor for which
     * the allow-all policy is right.
     */
    public static Actor system(String id) {
        return new Actor(Kind.SYSTEM, id, Role.SYSTEM, Optional.empty(), Optional.empty(), Purpose.OPERATIONS, false);
    }

    /** Whether this is the node's own actor. */
    public boolean isSystem() {
        return kind == Kind.SYSTEM;
    }
}
