/** In-memory adapters of the core's ports: for tests, and for the node's {@code memory} store mode. */
package org.bbehr.core.memory;
