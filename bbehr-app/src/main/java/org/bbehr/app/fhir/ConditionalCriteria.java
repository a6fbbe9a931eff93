package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.bbehr.app.search.FhirSearch;
import org.bbehr.core.access.Actor;
import org.bbehr.core.record.ResourceKey;

/**
 * Resolves the criteria of conditional operations and conditional references ({@code Type?identifier=system|value},
 * {@code ?_id=…}) with the node's search parser and through the door, so that a conditional operation finds only what
 * its actor may see (a hidden match is no match). Several parameters are combined with AND; a match must be unique.
 */
final class ConditionalCriteria {

    /** The parameters conditional criteria may use. */
    static final Set<String> PARAMETERS = Set.of("identifier", "_id");

    private final FhirSearch search;

    ConditionalCriteria(FhirSearch search) {
        this.search = search;
    }

    /**
     * The one resource the criteria match, or none.
     *
     * @param what the operation, for the 412 when the criteria match more than one
     * @throws PreconditionFailedException when they match more than one
     */
    Optional<ResourceKey> resolveAtMostOne(Actor actor, String type, String criteria, String what) {
        List<ResourceKey> matches = resolve(actor, type, criteria);
        if (matches.size() > 1) {
            throw new PreconditionFailedException(what + " matched more than one resource");
        }
        return matches.stream().findFirst();
    }

    /**
     * The one resource the criteria of a conditional reference match.
     *
     * @throws PreconditionFailedException when they match none or more than one
     */
    ResourceKey resolveExactlyOne(Actor actor, String type, String criteria) {
        List<ResourceKey> matches = resolve(actor, type, criteria);
        if (matches.size() != 1) {
            throw new PreconditionFailedException("the conditional reference " + type + "?… matched "
                    + (matches.isEmpty() ? "no resource" : "more than one resource") + "; it must match exactly one");
        }
        return matches.getFirst();
    }

    /**
     * At most two matches: enough to tell none, one and several apart.
     *
     * @param criteria {@code identifier=…&_id=…}, or a full conditional URL ({@code [base/]Type?…}) as some clients
     *     send in If-None-Exist
     */
    private List<ResourceKey> resolve(Actor actor, String type, String criteria) {
        String query = criteria;
        int question = query.indexOf('?');
        if (question >= 0) {
            String path = query.substring(0, question);
            String pathType = path.substring(path.lastIndexOf('/') + 1);
            if (!pathType.isEmpty() && !pathType.equals(type)) {
                throw new InvalidRequestException("conditional criteria for " + pathType + " used on a " + type);
            }
            query = query.substring(question + 1);
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        for (String parameter : query.split("&")) {
            if (parameter.isBlank()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            if (equals <= 0) {
                throw new InvalidRequestException("malformed conditional criteria: a parameter has no value");
            }
            String name = parameter.substring(0, equals);
            if (!PARAMETERS.contains(name)) {
                throw new InvalidRequestException("conditional criteria support identifier and _id, not '" + name
                        + "'");
            }
            String value = URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.merge(name, new String[] {value},
                    (a, b) -> Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new));
        }
        if (parameters.isEmpty()) {
            throw new InvalidRequestException("conditional criteria need at least one parameter");
        }
        return search.matches(actor, type, parameters, 2);
    }
}
