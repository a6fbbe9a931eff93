package org.bbehr.app.anchor;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test-only calls of the dev chain's own RPC methods (snapshots and reverts); the node never uses them. */
final class AnvilRpc {

    private static final Pattern RESULT = Pattern.compile("\"result\"\\s*:\\s*\"?([^\",}]*)");

    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    AnvilRpc(String url) {
        this.url = url;
    }

    String call(String method, String paramsJson) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
                            + "\",\"params\":" + paramsJson + "}")).build(), HttpResponse.BodyHandlers.ofString());
            Matcher result = RESULT.matcher(response.body());
            if (!result.find()) {
                throw new IllegalStateException(method + " failed: " + response.body());
            }
            return result.group(1);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(method + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Takes a snapshot of the chain's state; returns its id. */
    String snapshot() {
        return call("evm_snapshot", "[]");
    }

    /** Reverts the chain to a snapshot: every block after it, and its transactions, are gone. */
    void revert(String snapshotId) {
        if (!"true".equals(call("evm_revert", "[\"" + snapshotId + "\"]"))) {
            throw new IllegalStateException("evm_revert " + snapshotId + " did not revert");
        }
    }
}
