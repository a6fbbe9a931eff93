package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.ResourceKey;

/**
 * Resolves the criteria of conditional operations and conditional references ({@code Type?identifier=system|value},
 * {@code ?_id=…}), through the identifier blind index. Several parameters are combined with AND.
 */
final class ConditionalCriteria {

    private final RecordStore store;
    private final IndexExtractor indexer;

    ConditionalCriteria(RecordStore store, IndexExtractor indexer) {
        this.store = store;
        this.indexer = indexer;
    }

    /**
     * @param type the resource type
     * @param criteria {@code identifier=…&_id=…}, or a full conditional URL ({@code [base/]Type?…}) as some clients
     *     send in If-None-Exist
     */
    List<ResourceKey> resolve(String type, String criteria) {
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
        Set<ResourceKey> result = null;
        for (String parameter : query.split("&")) {
            if (parameter.isBlank()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            if (equals <= 0) {
                throw new InvalidRequestException("malformed conditional criteria: a parameter has no value");
            }
            String name = parameter.substring(0, equals);
            String value = URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8);
            Set<ResourceKey> matches = new LinkedHashSet<>(match(type, name, value));
            if (result == null) {
                result = matches;
            } else {
                result.retainAll(matches);
            }
        }
        if (result == null) {
            throw new InvalidRequestException("conditional criteria need at least one parameter");
        }
        return new ArrayList<>(result);
    }

    private List<ResourceKey> match(String type, String name, String value) {
        return switch (name) {
            case "identifier" -> {
                int bar = value.indexOf('|');
                List<String> tokens = bar < 0
                        ? indexer.identifierQueryTokens(null, value)
                        : indexer.identifierQueryTokens(bar == 0 ? "" : value.substring(0, bar), value.substring(bar + 1));
                yield store.findByIdentifier(type, tokens);
            }
            case "_id" -> store.findCurrent(new ResourceKey(type, value)).filter(v -> !v.deleted())
                    .map(v -> List.of(v.key())).orElse(List.of());
            default -> throw new InvalidRequestException("conditional criteria support identifier and _id, not '"
                    + name + "'");
        };
    }
}
