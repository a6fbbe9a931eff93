package org.bbehr.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.Comparator;
import java.util.Set;
import org.bbehr.app.search.ProtectedFields;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;

/**
 * What the generated CapabilityStatement cannot know from the providers' annotations: batch Bundles, and the search
 * parameters, which one generic search method serves for every type, with what protected fields support.
 */
@Interceptor
@StoredJsonResponses.LeavesReadsAlone
public final class CapabilityAdditions {

    private static final Set<String> SEARCHED = Set.of("token", "reference", "date", "string", "number", "quantity",
            "uri");

    /** How search results are paged and counted (docs/search.md, "Paging"). */
    static final String SEARCH_RESULTS = "Search results are paged by links that carry no search value; a page lists"
            + " the matches at their current version, and later pages leave out resources written after the search"
            + " ran. Bundle.total is given with _total=accurate (or estimate, also counted exactly) and"
            + " _summary=count; otherwise only once the search's last match has been read, as when all matches fit"
            + " on the first page. At most 10,000 matches can be paged through.";

    private final FhirContext context;

    public CapabilityAdditions(FhirContext context) {
        this.context = context;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void addBatch(IBaseConformance generated) {
        if (generated instanceof CapabilityStatement statement) {
            var rest = statement.getRestFirstRep();
            boolean present = rest.getInteraction().stream()
                    .anyMatch(i -> i.getCode() == SystemRestfulInteraction.BATCH);
            if (!present) {
                rest.addInteraction().setCode(SystemRestfulInteraction.BATCH)
                        .setDocumentation("POST a batch Bundle to the base URL: each entry runs on its own");
            }
            rest.setDocumentation(SEARCH_RESULTS);
            rest.getResource().forEach(this::addSearchParams);
            statement.setPublisher("BbEHR").getSoftware().setName("BbEHR");
        }
    }

    private void addSearchParams(CapabilityStatementRestResourceComponent resource) {
        String type = resource.getType();
        if (!context.getResourceTypes().contains(type)) {
            return;
        }
        resource.getSearchParam().clear();
        resource.addSearchParam().setName("_id").setType(SearchParamType.TOKEN);
        resource.addSearchParam().setName("_lastUpdated").setType(SearchParamType.DATE);
        context.getResourceDefinition(type).getSearchParams().stream()
                .filter(p -> SEARCHED.contains(p.getParamType().getCode()) && !p.getName().startsWith("_"))
                .sorted(Comparator.comparing(RuntimeSearchParam::getName))
                .forEach(p -> resource.addSearchParam().setName(p.getName())
                        .setType(SearchParamType.fromCode(p.getParamType().getCode()))
                        .setDocumentation(documentation(type, p)));
        context.getResourceDefinition(type).getSearchParams().stream()
                .filter(p -> p.getParamType().getCode().equals("reference"))
                .map(p -> type + ":" + p.getName()).sorted().forEach(resource::addSearchInclude);
    }

    private static String documentation(String type, RuntimeSearchParam param) {
        if (param.getName().equals("identifier")) {
            return "Protected field: indexed only as blind-index tokens of system|value and value; exact match only.";
        }
        ProtectedFields.Kind kind = ProtectedFields.kindOf(type, param.getName());
        if (kind == null) {
            return param.getDescription();
        }
        return switch (kind) {
            case NAME -> "Protected field: indexed only as blind-index tokens of each word's prefixes; matches words"
                    + " by their first 2 or more letters, case and accents ignored; no :exact, :contains or _sort.";
            case BIRTH_DATE -> "Protected field: indexed only as blind-index tokens; eq only (no prefix), at year,"
                    + " month or day precision; ranges (gt, lt, ge, le, …) are refused with 400.";
            case EXACT -> "Protected field: indexed only as blind-index tokens; exact match of the whole value, case"
                    + " and accents ignored; no modifiers.";
        };
    }
}
