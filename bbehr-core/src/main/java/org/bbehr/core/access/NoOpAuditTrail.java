package org.bbehr.core.access;

/** An audit trail that records nothing: what the node runs with until the audit trail is built. */
public final class NoOpAuditTrail implements AuditTrail {

    public static final NoOpAuditTrail INSTANCE = new NoOpAuditTrail();

    private NoOpAuditTrail() {}

    @Override
    public void record(AccessEvent event) {
        // nothing is kept
    }
}
