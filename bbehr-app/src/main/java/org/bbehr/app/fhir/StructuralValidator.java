package org.bbehr.app.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * The structural checks every write gets, on top of strict parsing (which already refuses unknown elements, wrong
 * datatypes, malformed dates and codes outside required bindings): the core definitions' required elements and
 * cardinalities, and the form of every reference. Walks HAPI's runtime model, so it costs microseconds, not the
 * milliseconds of full profile validation.
 */
final class StructuralValidator {

    private final FhirContext context;

    StructuralValidator(FhirContext context) {
        this.context = context;
    }

    /** Throws a 422 with an OperationOutcome that lists every problem and where it is. */
    void validate(IBaseResource resource, boolean inTransaction) {
        List<String[]> problems = new ArrayList<>();
        BaseRuntimeElementCompositeDefinition<?> definition = context.getResourceDefinition(resource);
        walk(resource, definition, resource.fhirType(), inTransaction, problems);
        if (!problems.isEmpty()) {
            throw new UnprocessableEntityException(context, outcome(problems));
        }
    }

    private void walk(IBase element, BaseRuntimeElementCompositeDefinition<?> definition, String path,
            boolean inTransaction, List<String[]> problems) {
        if (element instanceof IBaseReference reference) {
            checkReference(reference, path, inTransaction, problems);
        }
        for (BaseRuntimeChildDefinition child : definition.getChildren()) {
            List<? extends IBase> values = child.getAccessor().getValues(element);
            String childPath = path + "." + child.getElementName();
            long present = values.stream().filter(v -> !v.isEmpty()).count();
            if (present < child.getMin()) {
                problems.add(new String[] {childPath, "is required (at least " + child.getMin() + ")"});
            }
            if (child.getMax() != -1 && present > child.getMax()) {
                problems.add(new String[] {childPath, "may occur at most " + child.getMax() + " time(s), found " + present});
            }
            for (int i = 0; i < values.size(); i++) {
                IBase value = values.get(i);
                BaseRuntimeElementDefinition<?> valueDefinition = child.getChildElementDefinitionByDatatype(value.getClass());
                if (valueDefinition == null && value instanceof IBaseResource contained) {
                    valueDefinition = context.getResourceDefinition(contained);
                }
                if (valueDefinition instanceof BaseRuntimeElementCompositeDefinition<?> composite && !value.isEmpty()) {
                    String at = values.size() > 1 ? childPath + "[" + i + "]" : childPath;
                    walk(value, composite, at, inTransaction, problems);
                }
            }
        }
    }

    private void checkReference(IBaseReference reference, String path, boolean inTransaction, List<String[]> problems) {
        String value = reference.getReferenceElement().getValue();
        if (value == null) {
            return;
        }
        switch (References.kindOf(value)) {
            case LOCAL -> {
                String type = value.substring(0, value.indexOf('/'));
                if (!context.getResourceTypes().contains(type)) {
                    problems.add(new String[] {path, "references an unknown resource type '" + type + "'"});
                }
            }
            case URN, CONDITIONAL -> {
                if (!inTransaction) {
                    problems.add(new String[] {path, "a '" + value.substring(0, Math.min(9, value.length()))
                            + "…' reference is allowed only inside a transaction Bundle"});
                }
            }
            case INVALID -> problems.add(new String[] {path, "is not a valid reference (expected Type/id, an "
                    + "absolute URL, #contained, or urn:uuid: in a transaction)"});
            case ABSOLUTE, CONTAINED -> { }
        }
    }

    private static OperationOutcome outcome(List<String[]> problems) {
        OperationOutcome outcome = new OperationOutcome();
        for (String[] problem : problems) {
            outcome.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.STRUCTURE)
                    .setDiagnostics(problem[0] + " " + problem[1])
                    .addExpression(problem[0]);
        }
        return outcome;
    }
}
