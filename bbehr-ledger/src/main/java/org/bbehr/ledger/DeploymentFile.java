package org.bbehr.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.ledger.Deployment;

/** Reads and writes a deployment as JSON: chain id, contract addresses, deploy block, the contracts' fingerprint. */
public final class DeploymentFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DeploymentFile() {}

    public static Deployment read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BbehrException(ErrorCode.DEPLOYMENT_INVALID, "no deployment file at " + file);
        }
        try {
            JsonNode json = JSON.readTree(file.toFile());
            return new Deployment(
                    required(json, "chainId").asLong(),
                    Address.of(required(json, "consortiumAdmin").asText()),
                    Address.of(required(json, "hospitalDirectory").asText()),
                    Address.of(required(json, "consentRegistry").asText()),
                    Address.of(required(json, "recordAnchor").asText()),
                    required(json, "deployBlock").asLong(),
                    json.path("contracts").asText(""),
                    Address.of(json.path("multisig").asText(Address.ZERO.value())));
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.DEPLOYMENT_INVALID, "the deployment file " + file
                    + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Writes atomically (a temporary file, then a rename), so a crash never leaves half a file. */
    public static void write(Path file, Deployment deployment) {
        ObjectNode json = JSON.createObjectNode()
                .put("chainId", deployment.chainId())
                .put("consortiumAdmin", deployment.consortiumAdmin().value())
                .put("hospitalDirectory", deployment.hospitalDirectory().value())
                .put("consentRegistry", deployment.consentRegistry().value())
                .put("recordAnchor", deployment.recordAnchor().value())
                .put("deployBlock", deployment.deployBlock())
                .put("contracts", deployment.contracts())
                .put("multisig", deployment.multisig().value())
                .put("writtenAt", Instant.now().toString());
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, ".deployment", ".json");
            JSON.writeValue(temporary.toFile(), json);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.DATA_DIR_INVALID, "cannot write the deployment file " + file
                    + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new BbehrException(ErrorCode.DEPLOYMENT_INVALID, "the deployment file lacks \"" + field + "\"");
        }
        return value;
    }
}
