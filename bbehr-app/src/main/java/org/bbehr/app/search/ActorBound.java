package org.bbehr.app.search;

import org.bbehr.core.access.Actor;

/**
 * Results read for one actor (a search, a history, an {@code $everything}): kept for paging, their pages are served
 * to that actor only, and to anyone else are as unknown as an expired page ({@link FhirSearch#madeBy}).
 */
public interface ActorBound {
    Actor actor();
}
