package org.bbehr.app.fhir;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;

/**
 * Writes a search page's Bundle around the entries' JSON as HAPI's JSON parser would, without building HAPI's
 * encoder for the shell: encoding the shell was the largest single cost of a page served from stored bytes. Only the
 * shape HAPI's bundle factory makes for a search is written (id, {@code meta.lastUpdated}, type, total, links, and
 * entries of {@code fullUrl}, resource and {@code search.mode}); any other element makes the answer empty, and the
 * caller leaves the Bundle to HAPI.
 */
final class SearchsetJson {

    private SearchsetJson() {}

    /** The Bundle's JSON with {@code entryJson.get(i)} as the resource of entry i; empty for any other shape. */
    static Optional<String> write(Bundle bundle, List<String> entryJson) {
        if (!plainShell(bundle) || bundle.getEntry().size() != entryJson.size()) {
            return Optional.empty();
        }
        int size = 256 + bundle.getLink().size() * 160;
        for (String json : entryJson) {
            size += json.length() + 160;
        }
        StringBuilder out = new StringBuilder(size).append("{\"resourceType\":\"Bundle\"");
        if (bundle.hasIdElement() && bundle.getIdElement().hasIdPart()) {
            field(out, "id", bundle.getIdElement().getIdPart());
        }
        if (bundle.hasMeta()) {
            out.append(",\"meta\":{");
            string(out.append("\"lastUpdated\":"), bundle.getMeta().getLastUpdatedElement().getValueAsString());
            out.append('}');
        }
        if (bundle.hasType()) {
            field(out, "type", bundle.getType().toCode());
        }
        if (bundle.hasTotalElement()) {
            out.append(",\"total\":").append(bundle.getTotal());
        }
        if (bundle.hasLink()) {
            out.append(",\"link\":[");
            for (int i = 0; i < bundle.getLink().size(); i++) {
                Bundle.BundleLinkComponent link = bundle.getLink().get(i);
                out.append(i == 0 ? "{" : ",{");
                boolean first = true;
                if (link.hasRelation()) {
                    string(out.append("\"relation\":"), link.getRelation());
                    first = false;
                }
                if (link.hasUrl()) {
                    string(out.append(first ? "" : ",").append("\"url\":"), link.getUrl());
                }
                out.append('}');
            }
            out.append(']');
        }
        if (bundle.hasEntry()) {
            out.append(",\"entry\":[");
            for (int i = 0; i < entryJson.size(); i++) {
                Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
                out.append(i == 0 ? "{" : ",{");
                if (entry.hasFullUrl()) {
                    string(out.append("\"fullUrl\":"), entry.getFullUrl()).append(',');
                }
                out.append("\"resource\":").append(entryJson.get(i));
                if (entry.hasSearch()) {
                    out.append(",\"search\":{");
                    string(out.append("\"mode\":"), entry.getSearch().getMode().toCode()).append('}');
                }
                out.append('}');
            }
            out.append(']');
        }
        return Optional.of(out.append('}').toString());
    }

    /** Nothing but what a search page has, each element without extensions or ids of its own. */
    private static boolean plainShell(Bundle bundle) {
        if (bundle.getType() != Bundle.BundleType.SEARCHSET || bundle.hasIdentifier() || bundle.hasTimestamp()
                || bundle.hasSignature() || bundle.hasImplicitRules() || bundle.hasLanguage()
                || !plainMeta(bundle.getMeta()) || bundle.getTypeElement().hasExtension()
                || bundle.getTotalElement().hasExtension() || bundle.getIdElement().hasVersionIdPart()) {
            return false;
        }
        for (Bundle.BundleLinkComponent link : bundle.getLink()) {
            if (link.hasExtension() || link.hasModifierExtension() || link.hasId()
                    || link.getRelationElement().hasExtension() || link.getUrlElement().hasExtension()) {
                return false;
            }
        }
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Bundle.BundleEntrySearchComponent search = entry.getSearch();
            if (!entry.hasResource() || entry.hasLink() || entry.hasRequest() || entry.hasResponse()
                    || entry.hasExtension() || entry.hasModifierExtension() || entry.hasId()
                    || entry.getFullUrlElement().hasExtension() || search.hasScore() || search.hasExtension()
                    || search.hasModifierExtension() || search.hasId() || search.getModeElement().hasExtension()
                    || (entry.hasSearch() && !search.hasMode())) {
                return false;
            }
        }
        return true;
    }

    private static boolean plainMeta(Meta meta) {
        return meta.isEmpty() || (meta.hasLastUpdated() && !meta.hasVersionId() && !meta.hasSource()
                && !meta.hasProfile() && !meta.hasSecurity() && !meta.hasTag() && !meta.hasExtension()
                && !meta.hasId() && !meta.getLastUpdatedElement().hasExtension());
    }

    private static void field(StringBuilder out, String name, String value) {
        string(out.append(",\"").append(name).append("\":"), value);
    }

    private static StringBuilder string(StringBuilder out, String value) {
        return out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(value)).append('"');
    }
}
