package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.bbehr.core.access.Actor;

/**
 * The actor of a FHIR request, as the door needs it: the one that authentication put on the request, or, while the
 * node has no login, the node's own actor for its API (which the allow-all policy lets do everything).
 */
public final class RequestActors {

    /** The request attribute that holds the request's {@link Actor}. */
    public static final String ACTOR = RequestActors.class.getName() + ".actor";
    /** Who acts on requests that carry no actor of their own. */
    public static final Actor API = Actor.system("fhir-api");

    private RequestActors() {}

    /** The request's actor. */
    public static Actor of(RequestDetails request) {
        if (request == null) {
            return API;
        }
        return request.getUserData().get(ACTOR) instanceof Actor actor ? actor : API;
    }
}
