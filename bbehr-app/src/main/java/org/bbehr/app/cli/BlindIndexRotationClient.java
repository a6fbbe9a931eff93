package org.bbehr.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.bbehr.app.node.PerimeterFilter;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/** Talks to a running node's {@code /actuator/blind-index-rotation}. */
final class BlindIndexRotationClient {

    /** How the node's latest rotation stands; {@code error} is the node's "EHR-xxxx message", or null. */
    record Status(long run, String state, long done, long total, long unreadable, String error) {

        boolean running() {
            return "running".equals(state);
        }
    }

    /** The node's answer to a start: whether it started a rotation, and how that one stands. */
    record Started(boolean started, Status status) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI node;
    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    BlindIndexRotationClient(URI node) {
        this.node = node;
        String base = node.toString().endsWith("/") ? node.toString() : node + "/";
        this.endpoint = URI.create(base + "actuator/blind-index-rotation");
    }

    /**
     * Asks the node to start a rotation (it resumes an unfinished one).
     *
     * @throws BbehrException {@code NODE_UNREACHABLE} when no node with the endpoint answers; the node's own code when
     *     it refuses (e.g. {@code KEYS_NOT_WRITABLE})
     */
    Started start() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header(PerimeterFilter.MANAGEMENT_HEADER, "bbehr keys rotate-index")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        Status status = parse(response);
        if (response.statusCode() == 409) {
            throw nodeError(status.error());
        }
        return new Started(response.statusCode() == 202, status);
    }

    Status status() {
        return parse(send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30)).GET().build()));
    }

    /** The node's "EHR-xxxx message" as the exception it stands for. */
    static BbehrException nodeError(String error) {
        String text = error == null ? "" : error;
        int space = text.indexOf(' ');
        String code = space > 0 ? text.substring(0, space) : "";
        return Arrays.stream(ErrorCode.values()).filter(c -> c.code().equals(code)).findFirst()
                .map(c -> new BbehrException(c, text.substring(space + 1)))
                .orElseGet(() -> new BbehrException(ErrorCode.KEYS_ROTATION_UNFINISHED, "the node's rotation failed: "
                        + text));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.NODE_UNREACHABLE, "no node answers at " + node + " ("
                    + e.getClass().getSimpleName() + "): start it, point --node at it, or, with the node stopped, use"
                    + " --offline", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BbehrException(ErrorCode.NODE_UNREACHABLE, "interrupted while asking the node at " + node, e);
        }
    }

    private Status parse(HttpResponse<String> response) {
        if (response.statusCode() == 404) {
            throw new BbehrException(ErrorCode.NODE_UNREACHABLE, "the node at " + node + " offers no blind-index"
                    + " rotation (a node on the memory store, or not a BbEHR node)");
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (!body.has("state")) {
                throw new IOException("no state");
            }
            return new Status(body.path("run").asLong(), body.path("state").asText(), body.path("done").asLong(),
                    body.path("total").asLong(), body.path("unreadable").asLong(),
                    body.hasNonNull("error") ? body.get("error").asText() : null);
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.NODE_UNREACHABLE, "the node at " + node + " gave an answer that is not"
                    + " a blind-index rotation's state (HTTP " + response.statusCode() + ")", e);
        }
    }
}
