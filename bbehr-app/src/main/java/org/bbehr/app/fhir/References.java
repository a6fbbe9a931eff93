package org.bbehr.app.fhir;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.core.record.ResourceKey;
import org.hl7.fhir.instance.model.api.IBaseReference;

/** The forms a reference may take, and which of them point at this server's resources. */
final class References {

    /** {@code Type/id} or {@code Type/id/_history/n}, relative to this server. */
    private static final Pattern LOCAL = Pattern.compile("([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(/_history/\\d+)?");
    private static final Pattern ABSOLUTE = Pattern.compile("https?://\\S+");
    private static final Pattern CONDITIONAL = Pattern.compile("[A-Z][A-Za-z]+\\?\\S+");

    enum Kind { LOCAL, ABSOLUTE, CONTAINED, URN, CONDITIONAL, INVALID }

    private References() {}

    static Kind kindOf(String reference) {
        if (reference.startsWith("#")) {
            return Kind.CONTAINED;
        }
        if (reference.startsWith("urn:uuid:") || reference.startsWith("urn:oid:")) {
            return Kind.URN;
        }
        if (LOCAL.matcher(reference).matches()) {
            return Kind.LOCAL;
        }
        if (CONDITIONAL.matcher(reference).matches()) {
            return Kind.CONDITIONAL;
        }
        if (ABSOLUTE.matcher(reference).matches()) {
            return Kind.ABSOLUTE;
        }
        return Kind.INVALID;
    }

    static Optional<ResourceKey> findLocalKey(IBaseReference reference) {
        String value = reference.getReferenceElement().getValue();
        return value == null ? Optional.empty() : findLocalKey(value);
    }

    static Optional<ResourceKey> findLocalKey(String reference) {
        Matcher matcher = LOCAL.matcher(reference);
        return matcher.matches() ? Optional.of(new ResourceKey(matcher.group(1), matcher.group(2))) : Optional.empty();
    }
}
