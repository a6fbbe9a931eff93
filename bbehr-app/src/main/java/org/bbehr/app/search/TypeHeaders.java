package org.bbehr.app.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.fhirpath.IFhirPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The core StructureDefinitions cut down to what HAPI's FHIRPath engine reads of them while it evaluates an
 * expression: url, name, type, kind, derivation, abstract, base definition and identifiers, which settle
 * {@code is}, {@code as}, {@code ofType} and a type name at the start of a path. Their elements, which only the
 * engine's type checking reads, are left out.
 *
 * <p>An engine on HAPI's own definitions would keep all ~650 of them, each with its snapshot and differential (~100
 * MB, and as much again once the profile validator has converted them), for as long as the node runs; these headers
 * are a few hundred KB. The full definitions are read once to make them and then let go.
 */
final class TypeHeaders implements IValidationSupport {

    private static final String CORE_BASE = "http://hl7.org/fhir/";

    private final FhirContext context;
    private final Map<String, StructureDefinition> byUrl;

    private TypeHeaders(FhirContext context, Map<String, StructureDefinition> byUrl) {
        this.context = context;
        this.byUrl = byUrl;
    }

    /**
     * A FHIRPath engine for {@code context}'s FHIR version that knows the core types by their headers only. It has a
     * context of its own, holding these headers as its validation support, so the node's context keeps HAPI's full
     * definitions for every other use.
     */
    static IFhirPath fhirPath(FhirContext context) {
        FhirContext own = new FhirContext(context.getVersion().getVersion());
        own.setValidationSupport(of(context, own));
        return own.newFhirPath();
    }

    /**
     * The headers of HAPI's core definitions, served for {@code owner}. The definitions are held only while the
     * headers are taken (HAPI's cache of them is emptied then, unless a profile validator holds them).
     */
    static TypeHeaders of(FhirContext context, FhirContext owner) {
        DefaultProfileValidationSupport core = CoreDefinitions.hold(context);
        try {
            Map<String, StructureDefinition> byUrl = new HashMap<>();
            for (IBaseResource resource : core.<IBaseResource>fetchAllStructureDefinitions()) {
                StructureDefinition definition = (StructureDefinition) resource;
                byUrl.put(definition.getUrl(), header(definition));
            }
            return new TypeHeaders(owner, Map.copyOf(byUrl));
        } finally {
            CoreDefinitions.letGo(core);
        }
    }

    private static StructureDefinition header(StructureDefinition definition) {
        StructureDefinition header = new StructureDefinition();
        header.setId(definition.getIdElement().getIdPart());
        header.setUrl(definition.getUrl());
        header.setName(definition.getName());
        header.setType(definition.getType());
        header.setKind(definition.getKind());
        header.setDerivation(definition.getDerivation());
        header.setAbstract(definition.getAbstract());
        header.setBaseDefinition(definition.getBaseDefinition());
        definition.getIdentifier().forEach(identifier -> header.addIdentifier(identifier.copy()));
        return header;
    }

    @Override
    public FhirContext getFhirContext() {
        return context;
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
        return (List<T>) List.copyOf(byUrl.values());
    }

    /** Only StructureDefinitions (without looking the class up in the context, which would have it scan the model). */
    @SuppressWarnings("unchecked")
    @Override
    public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
        if (type != null && !type.isAssignableFrom(StructureDefinition.class)) {
            return null;
        }
        IBaseResource found = fetchStructureDefinition(url);
        return found == null ? null : (T) found;
    }

    /**
     * The header with this URL: a bare type name or {@code Type/name} is completed to a core URL, and a primitive type
     * named with a capital ({@code String}) is found under its own name with that type, as HAPI's own support does
     * for the few R4 search expressions written so.
     */
    @Override
    public IBaseResource fetchStructureDefinition(String url) {
        String full = url;
        if (!full.startsWith(URL_PREFIX_STRUCTURE_DEFINITION)) {
            if (full.indexOf('/') == -1) {
                full = URL_PREFIX_STRUCTURE_DEFINITION + full;
            } else if (full.chars().filter(c -> c == '/').count() == 1) {
                full = CORE_BASE + full;
            }
        }
        StructureDefinition found = byUrl.get(full);
        if (found != null || !full.startsWith(URL_PREFIX_STRUCTURE_DEFINITION)) {
            return found;
        }
        String name = full.substring(URL_PREFIX_STRUCTURE_DEFINITION.length());
        if (name.isEmpty() || !Character.isUpperCase(name.charAt(0))) {
            return null;
        }
        StructureDefinition primitive = byUrl.get(URL_PREFIX_STRUCTURE_DEFINITION
                + Character.toLowerCase(name.charAt(0)) + name.substring(1));
        return primitive == null ? null : primitive.copy().setType(name);
    }
}
