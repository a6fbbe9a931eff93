package org.bbehr.app.search;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bbehr.core.record.IndexValue;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Timing;

/** Turns the FHIR elements a search parameter's expression finds into index values of the parameter's type. */
final class IndexValues {

    /** Strings longer than this are indexed by their first characters only. */
    static final int MAX_TEXT = 200;

    private final ProtectedFields protectedFields;

    IndexValues(ProtectedFields protectedFields) {
        this.protectedFields = protectedFields;
    }

    void add(Set<IndexValue> out, SearchIndexer.Param param, IBase value) {
        if (param.protection() != null) {
            addProtected(out, param, value);
            return;
        }
        switch (param.type()) {
            case TOKEN -> token(out, param.resourceType(), param.name(), value);
            case REFERENCE -> reference(out, param.name(), value);
            case DATE -> date(out, param.name(), value);
            case STRING -> strings(value).forEach(s -> out.add(new IndexValue.Text(param.name(), cut(s))));
            case NUMBER, QUANTITY -> number(out, param.name(), value);
            case URI -> {
                if (value instanceof IPrimitiveType<?> uri && uri.getValueAsString() != null) {
                    out.add(new IndexValue.Uri(param.name(), uri.getValueAsString()));
                }
            }
            default -> { }
        }
    }

    private void addProtected(Set<IndexValue> out, SearchIndexer.Param param, IBase value) {
        String name = param.name();
        String type = param.resourceType();
        Set<String> tokens = switch (param.protection()) {
            case NAME -> {
                Set<String> all = new java.util.LinkedHashSet<>();
                strings(value).forEach(s -> all.addAll(protectedFields.nameTokens(type, name, s)));
                yield all;
            }
            case BIRTH_DATE -> value instanceof BaseDateTimeType date && date.getValueAsString() != null
                    ? protectedFields.birthDateTokens(type, name, date.getValueAsString()) : Set.of();
            case EXACT -> value instanceof ContactPoint contact
                    ? contactTokens(type, name, contact) : protectedFields.exactTokens(type, name, strings(value));
        };
        tokens.forEach(t -> out.add(new IndexValue.Blind(name, t)));
    }

    private Set<String> contactTokens(String type, String param, ContactPoint contact) {
        if (!contact.hasValue()) {
            return Set.of();
        }
        String system = contact.hasSystem() ? contact.getSystem().toCode() : "";
        return Set.of(protectedFields.exactToken(type, param, contact.getValue()),
                protectedFields.exactToken(type, param, system + "|" + contact.getValue()));
    }

    private void token(Set<IndexValue> out, String type, String param, IBase value) {
        switch (value) {
            case CodeableConcept concept -> concept.getCoding().forEach(c -> coding(out, param, c));
            case Coding coding -> coding(out, param, coding);
            case Identifier identifier -> {
                if (identifier.hasValue()) {
                    String system = identifier.hasSystem() ? identifier.getSystem() : "";
                    out.add(new IndexValue.Blind(param, protectedFields.exactToken(type, param,
                            "sv:" + system + "|" + identifier.getValue())));
                    out.add(new IndexValue.Blind(param, protectedFields.exactToken(type, param,
                            "v:" + identifier.getValue())));
                }
            }
            case ContactPoint contact -> {
                if (contact.hasValue()) {
                    out.add(new IndexValue.Token(param, contact.hasSystem() ? contact.getSystem().toCode() : "",
                            contact.getValue()));
                }
            }
            case Enumeration<?> enumeration -> {
                if (enumeration.getValueAsString() != null) {
                    out.add(new IndexValue.Token(param, enumeration.getSystem(), enumeration.getValueAsString()));
                }
            }
            case BooleanType bool -> {
                if (bool.getValue() != null) {
                    out.add(new IndexValue.Token(param, "", bool.getValue().toString()));
                }
            }
            case IPrimitiveType<?> primitive -> {
                if (primitive.getValueAsString() != null) {
                    out.add(new IndexValue.Token(param, "", primitive.getValueAsString()));
                }
            }
            default -> { }
        }
    }

    private static void coding(Set<IndexValue> out, String param, Coding coding) {
        if (coding.hasCode()) {
            out.add(new IndexValue.Token(param, coding.hasSystem() ? coding.getSystem() : "", coding.getCode()));
        }
    }

    private static void reference(Set<IndexValue> out, String param, IBase value) {
        String reference = null;
        if (value instanceof Reference ref) {
            reference = ref.getReferenceElement().getValue();
        } else if (value instanceof IPrimitiveType<?> canonical) {
            reference = canonical.getValueAsString();
        }
        if (reference == null || reference.startsWith("#") || reference.startsWith("urn:")) {
            return;
        }
        var local = LOCAL.matcher(reference);
        if (local.matches()) {
            out.add(new IndexValue.Reference(param, local.group(1), local.group(2), null));
        } else if (reference.startsWith("http://") || reference.startsWith("https://")) {
            // the type read from the URL, as FHIRPath's resolve() reads it, lets a restricted alias use the row
            var typed = ParamAliases.URL_TYPE.matcher(reference);
            out.add(new IndexValue.Reference(param, typed.matches() ? typed.group(1) : null, null, reference));
        }
    }

    static final java.util.regex.Pattern LOCAL =
            java.util.regex.Pattern.compile("([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/\\d+)?");

    private static void date(Set<IndexValue> out, String param, IBase value) {
        switch (value) {
            case BaseDateTimeType date -> range(date).ifPresent(r -> out.add(new IndexValue.Date(param, r.low(),
                    r.high())));
            case Period period -> {
                Instant low = period.hasStart() ? range(period.getStartElement()).map(DateRanges.Range::low)
                        .orElse(Instant.MIN) : Instant.MIN;
                Instant high = period.hasEnd() ? range(period.getEndElement()).map(DateRanges.Range::high)
                        .orElse(Instant.MAX) : Instant.MAX;
                if (period.hasStart() || period.hasEnd()) {
                    out.add(new IndexValue.Date(param, low, high));
                }
            }
            case Timing timing -> timing.getEvent().forEach(e -> date(out, param, e));
            default -> { }
        }
    }

    private static java.util.Optional<DateRanges.Range> range(BaseDateTimeType date) {
        try {
            return date.getValueAsString() == null ? java.util.Optional.empty()
                    : java.util.Optional.of(DateRanges.parse(date.getValueAsString()));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static void number(Set<IndexValue> out, String param, IBase value) {
        switch (value) {
            case Quantity quantity -> {
                if (quantity.hasValue()) {
                    String code = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
                    out.add(new IndexValue.Number(param, quantity.getValue(), quantity.getValue(),
                            quantity.getSystem(), code));
                }
            }
            case Money money -> {
                if (money.hasValue()) {
                    out.add(new IndexValue.Number(param, money.getValue(), money.getValue(), "urn:iso:std:iso:4217",
                            money.getCurrency()));
                }
            }
            case Range range -> {
                if (range.hasLow() || range.hasHigh()) {
                    BigDecimal low = range.getLow().hasValue() ? range.getLow().getValue() : BigDecimal.valueOf(-1e18);
                    BigDecimal high = range.getHigh().hasValue() ? range.getHigh().getValue() : BigDecimal.valueOf(1e18);
                    Quantity unit = range.getLow().hasValue() ? range.getLow() : range.getHigh();
                    out.add(new IndexValue.Number(param, low, high, unit.getSystem(),
                            unit.hasCode() ? unit.getCode() : unit.getUnit()));
                }
            }
            case IPrimitiveType<?> primitive -> decimal(primitive.getValueAsString())
                    .ifPresent(number -> out.add(new IndexValue.Number(param, number, number, null, null)));
            default -> { }
        }
    }

    /** A number, or nothing for a value that is not one (a choice of number or string, such as a dose "first"). */
    private static java.util.Optional<BigDecimal> decimal(String value) {
        try {
            return value == null ? java.util.Optional.empty() : java.util.Optional.of(new BigDecimal(value));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** The strings of a string parameter's value: a primitive's value, a name's or an address's parts. */
    private static List<String> strings(IBase value) {
        List<String> strings = new ArrayList<>();
        switch (value) {
            case HumanName name -> {
                name.getGiven().forEach(g -> strings.add(g.getValue()));
                strings.add(name.getFamily());
                name.getPrefix().forEach(p -> strings.add(p.getValue()));
                name.getSuffix().forEach(s -> strings.add(s.getValue()));
                strings.add(name.getText());
            }
            case Address address -> {
                address.getLine().forEach(l -> strings.add(l.getValue()));
                strings.add(address.getCity());
                strings.add(address.getDistrict());
                strings.add(address.getState());
                strings.add(address.getPostalCode());
                strings.add(address.getCountry());
                strings.add(address.getText());
            }
            case IPrimitiveType<?> primitive -> strings.add(primitive.getValueAsString());
            default -> { }
        }
        return strings.stream().filter(s -> s != null && !s.isBlank()).toList();
    }

    private static String cut(String value) {
        String normalized = Normalize.text(value);
        return normalized.length() > MAX_TEXT ? normalized.substring(0, MAX_TEXT) : normalized;
    }
}
