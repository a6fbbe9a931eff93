package org.bbehr.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bbehr.app.search.SearchIndexer;
import org.bbehr.core.crypto.BlindIndex;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;

/**
 * What a resource adds to the store's indexes: blind-index tokens of its identifiers (never the values), the
 * local resources it references, and the values of its search parameters.
 */
final class IndexExtractor {

    static final String IDENTIFIER = "identifier";
    static final String IDENTIFIER_VALUE = "identifier-value";

    private final FhirContext context;
    private final FhirTerser terser;
    private final BlindIndex blindIndex;
    private final SearchIndexer searchIndexer;

    IndexExtractor(FhirContext context, BlindIndex blindIndex) {
        this.context = context;
        this.terser = context.newTerser();
        this.blindIndex = blindIndex;
        this.searchIndexer = new SearchIndexer(context, blindIndex);
    }

    SearchIndexer searchIndexer() {
        return searchIndexer;
    }

    IndexEntries extract(IBaseResource resource) {
        return extract(resource, Optional.empty());
    }

    /**
     * Like {@link #extract(IBaseResource)}, with the resource's references when a walk of it has just found them all
     * (walking a resource for its references costs as much as extracting every search parameter).
     */
    IndexEntries extract(IBaseResource resource, Optional<List<IBaseReference>> references) {
        Set<String> tokens = new HashSet<>();
        for (Identifier identifier : topLevelIdentifiers(resource)) {
            if (identifier.hasValue()) {
                tokens.add(identifierToken(identifier.getSystem(), identifier.getValue()));
                tokens.add(identifierValueToken(identifier.getValue()));
            }
        }
        Set<ResourceKey> local = references.map(IndexExtractor::localKeys).orElseGet(() -> localReferences(resource));
        return new IndexEntries(tokens, local, searchIndexer.extract(resource));
    }

    /** The token of {@code system|value} (a null system means "no system"), to store. */
    String identifierToken(String system, String value) {
        return blindIndex.token(IDENTIFIER, identifier(system, value));
    }

    /** The token of a value in any system, to store. */
    String identifierValueToken(String value) {
        return blindIndex.token(IDENTIFIER_VALUE, value);
    }

    /**
     * The tokens to look an identifier up by, one per key of the blind index: of {@code system|value}, or of the value
     * in any system when {@code system} is null.
     */
    List<String> identifierQueryTokens(String system, String value) {
        return system == null ? blindIndex.tokens(IDENTIFIER_VALUE, value)
                : blindIndex.tokens(IDENTIFIER, identifier(system, value));
    }

    private static String identifier(String system, String value) {
        return (system == null ? "" : system) + "|" + value;
    }

    Set<ResourceKey> localReferences(IBaseResource resource) {
        return localKeys(terser.getAllPopulatedChildElementsOfType(resource, IBaseReference.class));
    }

    private static Set<ResourceKey> localKeys(List<IBaseReference> references) {
        Set<ResourceKey> keys = new HashSet<>();
        for (IBaseReference reference : references) {
            References.findLocalKey(reference).ifPresent(keys::add);
        }
        return keys;
    }

    private List<Identifier> topLevelIdentifiers(IBaseResource resource) {
        if (context.getResourceDefinition(resource).getChildByName("identifier") == null) {
            return List.of();
        }
        return terser.getValues(resource, resource.fhirType() + ".identifier", Identifier.class);
    }
}
