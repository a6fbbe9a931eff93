package org.bbehr.app.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    private final Set<String> resourceTypes;

    StructuralValidator(FhirContext context) {
        this.context = context;
        this.resourceTypes = Set.copyOf(context.getResourceTypes());
    }

    /**
     * Throws a 422 with an OperationOutcome that lists every problem and where it is; otherwise returns every reference
     * in the resource (contained resources and extensions included), found on the same walk.
     */
    List<IBaseReference> validate(IBaseResource resource, boolean inTransaction) {
        Walk walk = new Walk(inTransaction);
        BaseRuntimeElementCompositeDefinition<?> definition = context.getResourceDefinition(resource);
        walk(resource, definition, new Path(null, resource.fhirType(), -1), walk);
        if (!walk.problems.isEmpty()) {
            throw new UnprocessableEntityException(context, outcome(walk.problems));
        }
        return walk.references;
    }

    /** What one walk finds. */
    private static final class Walk {
        final boolean inTransaction;
        final List<String[]> problems = new ArrayList<>();
        final List<IBaseReference> references = new ArrayList<>();

        Walk(boolean inTransaction) {
            this.inTransaction = inTransaction;
        }
    }

    /** Where an element is, made into text only when a problem is reported there. */
    private record Path(Path parent, String name, int index) {
        Path child(String childName, int childIndex) {
            return new Path(this, childName, childIndex);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            append(text);
            return text.toString();
        }

        private void append(StringBuilder text) {
            if (parent != null) {
                parent.append(text);
                text.append('.');
            }
            text.append(name);
            if (index >= 0) {
                text.append('[').append(index).append(']');
            }
        }
    }

    private void walk(IBase element, BaseRuntimeElementCompositeDefinition<?> definition, Path path, Walk walk) {
        if (element instanceof IBaseReference reference) {
            walk.references.add(reference);
            checkReference(reference, path, walk.inTransaction, walk.problems);
        }
        for (BaseRuntimeChildDefinition child : definition.getChildren()) {
            List<? extends IBase> values = child.getAccessor().getValues(element);
            int size = values.size();
            if (size == 0) {
                if (child.getMin() > 0) {
                    walk.problems.add(new String[] {path.child(child.getElementName(), -1).toString(),
                        "is required (at least " + child.getMin() + ")"});
                }
                continue;
            }
            int present = 0;
            for (int i = 0; i < size; i++) {
                IBase value = values.get(i);
                if (value.isEmpty()) {
                    continue;
                }
                present++;
                // a contained resource is checked, and its references found, like the resource that holds it
                BaseRuntimeElementDefinition<?> valueDefinition = value instanceof IBaseResource contained
                        ? context.getResourceDefinition(contained)
                        : child.getChildElementDefinitionByDatatype(value.getClass());
                if (valueDefinition instanceof BaseRuntimeElementCompositeDefinition<?> composite) {
                    walk(value, composite, path.child(child.getElementName(), size > 1 ? i : -1), walk);
                }
            }
            if (present < child.getMin()) {
                walk.problems.add(new String[] {path.child(child.getElementName(), -1).toString(),
                    "is required (at least " + child.getMin() + ")"});
            }
            if (child.getMax() != -1 && present > child.getMax()) {
                walk.problems.add(new String[] {path.child(child.getElementName(), -1).toString(),
                    "may occur at most " + child.getMax() + " time(s), found " + present});
            }
        }
    }

    private void checkReference(IBaseReference reference, Path where, boolean inTransaction, List<String[]> problems) {
        String value = reference.getReferenceElement().getValue();
        if (value == null) {
            return;
        }
        switch (References.kindOf(value)) {
            case LOCAL -> {
                String type = value.substring(0, value.indexOf('/'));
                if (!resourceTypes.contains(type)) {
                    problems.add(new String[] {where.toString(),
                        "references an unknown resource type '" + type + "'"});
                }
            }
            case URN, CONDITIONAL -> {
                if (!inTransaction) {
                    problems.add(new String[] {where.toString(), "a '"
                            + value.substring(0, Math.min(9, value.length()))
                            + "…' reference is allowed only inside a transaction Bundle"});
                }
            }
            case INVALID -> problems.add(new String[] {where.toString(), "is not a valid reference (expected "
                    + "Type/id, an absolute URL, #contained, or urn:uuid: in a transaction)"});
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
