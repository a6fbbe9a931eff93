package org.bbehr.app.importer;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One Bundle file as JSON: kept as a JSON tree, not as HAPI model objects, so that what is sent is exactly what the
 * file holds (a lenient client-side parse would drop what it does not know, silently). XML files are converted once
 * with a strict parser, which refuses rather than drops anything it does not understand. A collection Bundle is
 * turned into a transaction that writes each entry (PUT with its id if it has one, POST otherwise).
 */
final class BundleFile {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Why a file cannot be sent at all. */
    static final class Unusable extends Exception {
        Unusable(String reason) {
            super(reason);
        }
    }

    final Path file;
    final String type;
    final ObjectNode root;
    final List<ObjectNode> entries;
    private final String text;

    private BundleFile(Path file, String type, ObjectNode root, List<ObjectNode> entries, String text) {
        this.file = file;
        this.type = type;
        this.root = root;
        this.entries = entries;
        this.text = text;
    }

    static BundleFile read(Path file, FhirContext xmlContext) throws Unusable {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Unusable("cannot be read: " + e.getMessage());
        }
        if (ImportFiles.isXml(file)) {
            text = xmlToJson(text, xmlContext);
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new Unusable("is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        if (!(parsed instanceof ObjectNode root) || !"Bundle".equals(root.path("resourceType").asText())) {
            String found = parsed == null ? "nothing" : parsed.path("resourceType").asText("");
            throw new Unusable("is not a FHIR Bundle" + (found.isEmpty() ? "" : " (it is a " + found + ")"));
        }
        String type = root.path("type").asText("");
        List<ObjectNode> entries = entries(root);
        return switch (type) {
            case "transaction", "batch" -> new BundleFile(file, type, root, entries, text);
            case "collection" -> asTransaction(file, root, entries);
            default -> throw new Unusable("is a Bundle of type '" + type + "': only transaction, batch and "
                    + "collection Bundles can be imported");
        };
    }

    /** The JSON to send as it is, when nothing in it had to change. */
    String text() {
        return text != null ? text : root.toString();
    }

    static String typeOf(ObjectNode entry) {
        String type = entry.path("resource").path("resourceType").asText("");
        if (type.isEmpty()) {
            String url = entry.path("request").path("url").asText("");
            type = url.replaceFirst("[/?].*", "");
        }
        return type.isEmpty() ? null : type;
    }

    static String fullUrlOf(ObjectNode entry) {
        String fullUrl = entry.path("fullUrl").asText("");
        return fullUrl.isEmpty() ? null : fullUrl;
    }

    private static List<ObjectNode> entries(ObjectNode root) throws Unusable {
        JsonNode entries = root.path("entry");
        if (entries.isMissingNode()) {
            return List.of();
        }
        if (!entries.isArray()) {
            throw new Unusable("has an 'entry' that is not a list");
        }
        List<ObjectNode> list = new ArrayList<>();
        for (JsonNode entry : entries) {
            if (!(entry instanceof ObjectNode object)) {
                throw new Unusable("has an entry that is not an object");
            }
            list.add(object);
        }
        return List.copyOf(list);
    }

    private static BundleFile asTransaction(Path file, ObjectNode root, List<ObjectNode> entries) {
        ObjectNode transaction = root.deepCopy();
        transaction.put("type", "transaction");
        ArrayNode converted = transaction.putArray("entry");
        for (ObjectNode entry : entries) {
            ObjectNode copy = entry.deepCopy();
            String type = copy.path("resource").path("resourceType").asText("");
            String id = copy.path("resource").path("id").asText("");
            if (!copy.has("request") && !type.isEmpty()) {
                copy.putObject("request").put("method", id.isEmpty() ? "POST" : "PUT")
                        .put("url", id.isEmpty() ? type : type + "/" + id);
            }
            converted.add(copy);
        }
        List<ObjectNode> list = new ArrayList<>();
        converted.forEach(e -> list.add((ObjectNode) e));
        return new BundleFile(file, "transaction", transaction, List.copyOf(list), null);
    }

    private static String xmlToJson(String xml, FhirContext context) throws Unusable {
        try {
            var parser = context.newXmlParser().setParserErrorHandler(new StrictErrorHandler());
            return context.newJsonParser().encodeResourceToString(parser.parseResource(xml));
        } catch (DataFormatException e) {
            throw new Unusable("is not valid FHIR XML: " + oneLine(e.getMessage()));
        }
    }

    static String oneLine(String message) {
        String line = message == null ? "" : message.replaceAll("\\s+", " ").strip();
        return line.length() > 400 ? line.substring(0, 400) + "…" : line;
    }
}
