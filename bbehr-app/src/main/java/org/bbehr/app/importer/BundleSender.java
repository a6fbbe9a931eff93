package org.bbehr.app.importer;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.bbehr.app.importer.ImportSummary.Outcome;
import org.bbehr.app.importer.ImportSummary.Rejection;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Sends one Bundle to the server's base URL, as any FHIR client would, and accounts for every entry in the summary.
 * A transaction the server refuses as a whole is sent again entry by entry ({@link EntryByEntry}), so that every
 * entry the server accepts is loaded and every one it refuses is named with the server's reason.
 */
final class BundleSender {

    /** What the server answered for one entry. */
    record Answer(Outcome outcome, String type, String location, String reason) {}

    private final IGenericClient client;
    private final ImportSummary summary;

    BundleSender(IGenericClient client, ImportSummary summary) {
        this.client = client;
        this.summary = summary;
    }

    /** Sends the Bundle; returns the number of entries accounted for (all of them). */
    int send(BundleFile bundle) {
        if (bundle.entries.isEmpty()) {
            return 0;
        }
        String response;
        try {
            response = post(bundle.text());
        } catch (BaseServerResponseException refused) {
            summary.retried();
            new EntryByEntry(this, summary, bundle).run();
            return bundle.entries.size();
        }
        List<Answer> answers = answers(response, bundle.entries);
        for (int i = 0; i < bundle.entries.size(); i++) {
            account(bundle, i, answers.get(i));
        }
        return bundle.entries.size();
    }

    /**
     * Whether the Bundle's patient is on the server already, found by its first identifier with a system: how a
     * resumed import tells that a transaction in flight when it stopped was written. False for a Bundle without one.
     */
    boolean patientAlreadyThere(BundleFile bundle) {
        for (ObjectNode entry : bundle.entries) {
            if (!"Patient".equals(BundleFile.typeOf(entry))) {
                continue;
            }
            for (JsonNode identifier : entry.path("resource").path("identifier")) {
                String system = identifier.path("system").asText("");
                String value = identifier.path("value").asText("");
                if (!system.isEmpty() && !value.isEmpty()) {
                    try {
                        return client.search().forResource("Patient")
                                .where(new TokenClientParam("identifier").exactly()
                                        .systemAndCode(system, value))
                                .summaryMode(SummaryEnum.COUNT)
                                .returnBundle(Bundle.class).execute().getTotal() > 0;
                    } catch (FhirClientConnectionException e) {
                        throw new BbehrException(ErrorCode.IMPORT_SERVER_UNREACHABLE, "cannot reach the FHIR server"
                                + " at " + client.getServerBase() + " (" + BundleFile.oneLine(e.getMessage()) + ")", e);
                    }
                }
            }
        }
        return false;
    }

    /** Sends one entry on its own, as a transaction of one. */
    Answer sendAlone(ObjectNode entry) {
        ObjectNode single = BundleFile.JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
        single.putArray("entry").add(entry);
        try {
            return answers(post(single.toString()), List.of(entry)).getFirst();
        } catch (BaseServerResponseException refused) {
            return new Answer(Outcome.REJECTED, BundleFile.typeOf(entry), null, reason(refused));
        }
    }

    void account(BundleFile bundle, int index, Answer answer) {
        ObjectNode entry = bundle.entries.get(index);
        if (answer.outcome() == Outcome.REJECTED) {
            summary.reject(new Rejection(bundle.file, index, BundleFile.typeOf(entry), BundleFile.fullUrlOf(entry),
                    answer.reason()));
        } else {
            summary.add(answer.type() != null ? answer.type() : String.valueOf(BundleFile.typeOf(entry)),
                    answer.outcome());
        }
    }

    private String post(String bundle) {
        try {
            return client.transaction().withBundle(bundle).execute();
        } catch (FhirClientConnectionException e) {
            throw new BbehrException(ErrorCode.IMPORT_SERVER_UNREACHABLE, "cannot reach the FHIR server at "
                    + client.getServerBase() + " (" + BundleFile.oneLine(e.getMessage()) + ")", e);
        }
    }

    /** The server's answer to each entry, in the order of the entries; a missing answer is a rejection. */
    private static List<Answer> answers(String response, List<ObjectNode> entries) {
        JsonNode answered;
        try {
            answered = BundleFile.JSON.readTree(response).path("entry");
        } catch (JsonProcessingException e) {
            answered = BundleFile.JSON.createArrayNode();
        }
        JsonNode all = answered;
        return java.util.stream.IntStream.range(0, entries.size()).mapToObj(i -> i < all.size()
                ? answer(all.get(i), entries.get(i))
                : new Answer(Outcome.REJECTED, BundleFile.typeOf(entries.get(i)), null,
                        "the server's response has no answer for this entry")).toList();
    }

    private static Answer answer(JsonNode answered, ObjectNode entry) {
        JsonNode response = answered.path("response");
        String status = response.path("status").asText("");
        String location = response.path("location").asText(null);
        String type = Optional.ofNullable(location).flatMap(BundleSender::typeOfLocation)
                .orElse(BundleFile.typeOf(entry));
        String method = entry.path("request").path("method").asText("");
        if (status.startsWith("201")) {
            return new Answer(Outcome.CREATED, type, location, null);
        }
        if (status.startsWith("2")) {
            Outcome outcome = switch (method) {
                case "POST" -> Outcome.EXISTING;
                case "DELETE" -> Outcome.DELETED;
                case "GET" -> Outcome.READ;
                default -> Outcome.UPDATED;
            };
            return new Answer(outcome, type, location, null);
        }
        String diagnostics = response.path("outcome").path("issue").findValuesAsText("diagnostics").stream()
                .reduce((a, b) -> a + "; " + b).orElse("");
        return new Answer(Outcome.REJECTED, type, null, BundleFile.oneLine("HTTP " + status
                + (diagnostics.isEmpty() ? "" : ": " + diagnostics)));
    }

    /** The resource type of a location such as {@code Observation/1/_history/1} or an absolute URL of one. */
    static Optional<String> typeOfLocation(String location) {
        return Optional.ofNullable(serverReference(location)).map(ref -> ref.substring(0, ref.indexOf('/')));
    }

    /** {@code Type/id} of a location such as {@code Observation/1/_history/1}, or null. */
    static String serverReference(String location) {
        if (location == null) {
            return null;
        }
        String[] parts = location.split("/");
        int history = java.util.Arrays.asList(parts).indexOf("_history");
        int idAt = history > 0 ? history - 1 : parts.length - 1;
        if (idAt < 1 || parts[idAt - 1].isEmpty() || !Character.isUpperCase(parts[idAt - 1].charAt(0))) {
            return null;
        }
        return parts[idAt - 1] + "/" + parts[idAt];
    }

    static String reason(BaseServerResponseException refused) {
        String diagnostics = diagnostics(refused.getOperationOutcome());
        return BundleFile.oneLine("HTTP " + refused.getStatusCode()
                + (diagnostics.isEmpty() ? " " + refused.getMessage() : ": " + diagnostics));
    }

    private static String diagnostics(IBaseOperationOutcome outcome) {
        if (!(outcome instanceof OperationOutcome r4)) {
            return "";
        }
        return r4.getIssue().stream().filter(OperationOutcome.OperationOutcomeIssueComponent::hasDiagnostics)
                .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                .reduce((a, b) -> a + "; " + b).orElse("");
    }
}
