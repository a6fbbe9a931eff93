package org.bbehr.app.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.fhirpath.IFhirPathEvaluationContext;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import jakarta.annotation.Nonnull;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bbehr.core.crypto.BlindIndex;
import org.bbehr.core.record.IndexValue;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts the values of every standard R4 search parameter of type token, reference, date, string, number,
 * quantity and uri from a resource, with HAPI's own definitions and FHIRPath expressions (parsed once per type).
 * Protected parameters ({@link ProtectedFields}) give blind-index tokens only; identifiers are left to the
 * identifier index. Parameters made of others' values ({@link ParamAliases}) are not extracted for the index: their
 * searches use the others' rows. Thread-safe.
 */
public final class SearchIndexer {

    private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);
    private static final Set<RestSearchParameterTypeEnum> INDEXED = Set.of(RestSearchParameterTypeEnum.TOKEN,
            RestSearchParameterTypeEnum.REFERENCE, RestSearchParameterTypeEnum.DATE, RestSearchParameterTypeEnum.STRING,
            RestSearchParameterTypeEnum.NUMBER, RestSearchParameterTypeEnum.QUANTITY, RestSearchParameterTypeEnum.URI);
    /** Parameters served from the resource's own row or the identifier index, or not indexed at all. */
    static final Set<String> NOT_INDEXED = Set.of("_id", "_lastUpdated", "identifier", "_text", "_content",
            "_list", "_has", "_query", "_filter");

    /** One indexed parameter of a type: its expression's paths, each simple or for the FHIRPath engine. */
    /** @param resourceType the type the parameter is of (protected values' tokens are keyed by it) */
    record Param(String resourceType, String name, RestSearchParameterTypeEnum type, List<Path> paths,
            ProtectedFields.Kind protection) {}

    /**
     * One path of a parameter's expression (the parts of a top-level union, evaluated one by one): walked as a
     * simple path where it is one, else parsed for the FHIRPath engine.
     */
    record Path(String expression, SimplePath simple, IFhirPath.IParsedExpression fhirPath) {}

    private final FhirContext context;
    /**
     * HAPI's FHIRPath engine, made on first need (most parameters' expressions are simple paths that never need it),
     * on the core types' headers only ({@link TypeHeaders}): making it reads every core StructureDefinition once
     * (seconds), but it keeps none of them.
     */
    private volatile IFhirPath fhirPath;
    private final IndexValues values;
    private final Map<String, TypeParams> paramsByType = new ConcurrentHashMap<>();

    /** A type's indexed parameters, those whose values are stored, and the others as aliases of those. */
    private record TypeParams(List<Param> all, List<Param> stored, Map<String, ParamAliases.Alias> aliases) {}

    private final Map<String, Set<String>> compartmentParams = new java.util.concurrent.ConcurrentHashMap<>();

    public SearchIndexer(FhirContext context, BlindIndex blindIndex) {
        this.context = context;
        this.values = new IndexValues(new ProtectedFields(blindIndex));
    }

    /** The index values of every indexed search parameter of {@code resource} that is stored (not an alias). */
    public List<IndexValue> extract(IBaseResource resource) {
        Set<IndexValue> found = new LinkedHashSet<>();
        for (Param param : typeParams(resource.fhirType()).stored()) {
            for (IBase value : evaluate(resource, param)) {
                values.add(found, param, value);
            }
        }
        return List.copyOf(found);
    }

    /** The values of one parameter of {@code resource}, e.g. the references to follow for {@code _include}. */
    public List<IndexValue> extract(IBaseResource resource, String paramName) {
        Set<IndexValue> found = new LinkedHashSet<>();
        params(resource.fhirType()).stream().filter(p -> p.name().equals(paramName)).forEach(param -> {
            for (IBase value : evaluate(resource, param)) {
                values.add(found, param, value);
            }
        });
        return List.copyOf(found);
    }

    /** The indexed parameters of {@code type}, aliases included, parsed on first use. */
    List<Param> params(String type) {
        return typeParams(type).all();
    }

    /**
     * The stored parameters whose rows hold the references that put a resource of {@code type} in a Patient's
     * compartment: the parameters the R4 Patient compartment names for the type, each replaced by those it is made of
     * when it is an alias. Parsed on first use.
     */
    public Set<String> patientCompartmentParams(String type) {
        return compartmentParams.computeIfAbsent(type, t -> {
            Set<String> stored = new java.util.TreeSet<>();
            Map<String, ParamAliases.Alias> aliases = aliases(t);
            for (RuntimeSearchParam param : context.getResourceDefinition(t).getSearchParams()) {
                Set<String> compartments = param.getProvidesMembershipInCompartments();
                if (compartments != null && compartments.contains("Patient")) {
                    ParamAliases.Alias alias = aliases.get(param.getName());
                    stored.addAll(alias == null ? List.of(param.getName()) : alias.params());
                }
            }
            return Set.copyOf(stored);
        });
    }

    /** The parameters of {@code type} whose values are other parameters' values, by name. */
    Map<String, ParamAliases.Alias> aliases(String type) {
        return typeParams(type).aliases();
    }

    private TypeParams typeParams(String type) {
        return paramsByType.computeIfAbsent(type, t -> {
            List<Param> all = parseParams(t);
            Map<String, ParamAliases.Alias> aliases = ParamAliases.find(all);
            return new TypeParams(all, all.stream().filter(p -> !aliases.containsKey(p.name())).toList(), aliases);
        });
    }

    private List<Param> parseParams(String type) {
        List<Param> params = new ArrayList<>();
        for (RuntimeSearchParam param : context.getResourceDefinition(type).getSearchParams()) {
            if (!INDEXED.contains(param.getParamType()) || NOT_INDEXED.contains(param.getName())) {
                continue;
            }
            List<String> paths = param.getPathsSplitForResourceType(type);
            if (paths.isEmpty()) {
                continue;
            }
            try {
                List<Path> parsed = new ArrayList<>();
                for (String path : paths) {
                    SimplePath simple = SimplePath.parse(context, type, path).orElse(null);
                    parsed.add(new Path(path, simple, simple != null ? null : fhirPath().parse(path)));
                }
                params.add(new Param(type, param.getName(), param.getParamType(), List.copyOf(parsed),
                        ProtectedFields.kindOf(type, param.getName())));
            } catch (Exception e) {
                log.warn("search parameter {}.{} is not indexed: its FHIRPath does not parse ({})", type,
                        param.getName(), e.getMessage());
            }
        }
        return List.copyOf(params);
    }

    private List<IBase> evaluate(IBaseResource resource, Param param) {
        List<IBase> values = new ArrayList<>();
        for (Path path : param.paths()) {
            values.addAll(path.simple() != null ? path.simple().evaluate(resource) : evaluate(resource, param, path));
        }
        return values;
    }

    /** The values of one path by the FHIRPath engine; what it cannot evaluate on this resource is skipped. */
    List<IBase> evaluate(IBaseResource resource, Param param, Path path) {
        try {
            IFhirPath engine = fhirPath();
            var parsed = path.fhirPath() != null ? path.fhirPath() : engine.parse(path.expression());
            return engine.evaluate(resource, parsed, IBase.class);
        } catch (Exception e) {
            log.debug("search parameter {}.{} could not be evaluated on a resource: {}", resource.fhirType(),
                    param.name(), e.getClass().getSimpleName());
            return List.of();
        }
    }

    private IFhirPath fhirPath() {
        IFhirPath engine = fhirPath;
        if (engine == null) {
            synchronized (this) {
                if (fhirPath == null) {
                    IFhirPath made = TypeHeaders.fhirPath(context);
                    made.setEvaluationContext(new ResolveToEmptyResource());
                    fhirPath = made;
                }
                engine = fhirPath;
            }
        }
        return engine;
    }

    /** FHIRPath's {@code resolve()} gives an empty resource of the reference's type, enough for {@code is Patient}. */
    private final class ResolveToEmptyResource implements IFhirPathEvaluationContext {
        @Override
        public IBase resolveReference(@Nonnull IIdType reference, IBase unused) {
            String type = reference.getResourceType();
            if (type == null || !context.getResourceTypes().contains(type)) {
                return null;
            }
            IBaseResource resource = context.getResourceDefinition(type).newInstance();
            Optional.ofNullable(reference.getIdPart()).ifPresent(resource::setId);
            return resource;
        }
    }
}
