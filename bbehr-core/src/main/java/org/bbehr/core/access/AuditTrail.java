package org.bbehr.core.access;

/**
 * Where the door reports every decision it makes, allowed or denied. An adapter records them durably (the audit trail
 * is not logging); {@link NoOpAuditTrail} drops them, until the audit trail exists.
 */
public interface AuditTrail {

    /** Records one decision. Called before the answer goes to the actor. */
    void record(AccessEvent event);
}
