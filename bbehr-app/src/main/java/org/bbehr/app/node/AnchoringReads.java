package org.bbehr.app.node;

import org.bbehr.core.anchor.AnchoredReads;

/**
 * The store's reads of a version together with its anchoring, present only on a node that anchors; the door uses them
 * so that a read shows the version and its anchor state from one snapshot.
 */
record AnchoringReads(AnchoredReads reads) {}
