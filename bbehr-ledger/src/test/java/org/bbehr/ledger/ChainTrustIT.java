package org.bbehr.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bbehr.ledger.Fixtures.address;
import static org.bbehr.ledger.Fixtures.newKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bbehr.core.BbehrException;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.verify.ChainCrossCheck;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * Attack tests for the chain's answers: an RPC endpoint that lies is caught by a second one, and a pinned CA lets the
 * node reach its validator over TLS and nobody else who presents a certificate.
 */
class ChainTrustIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    static DevChain chain;
    static Web3jLedger admin;

    @BeforeAll
    static void startChain() {
        chain = DevChain.start(DevChain.Options.in(dir.resolve("chain")));
        admin = Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), DevAccounts.admin(), chain.deployment());
    }

    @AfterAll
    static void stopChain() {
        admin.close();
        chain.close();
    }

    @Test
    void aLyingRpcEndpointShouldBeCaughtByTheCrossCheck() throws Exception {
        // given: a hospital that anchored two roots, and a forged batch's root it never anchored
        Credentials node = newKey();
        int hospital = admin.administer(new LedgerCall.RegisterHospital(address(node), "Lakeside (synthetic)",
                "https://lakeside.example/fhir")).event(LedgerEvent.HospitalRegistered.class).hospitalId();
        Bytes32 kept = randomRoot();
        Bytes32 hidden = randomRoot();
        Bytes32 forged = randomRoot();
        try (Web3jLedger writer = Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), node,
                chain.deployment())) {
            writer.submit(new LedgerCall.AnchorRoot(kept, 3));
            writer.submit(new LedgerCall.AnchorRoot(hidden, 2));
        }
        // and an endpoint on the path that answers anchorOf(forged) as it would for a real root, and leaves one
        // RootAnchored event out of the logs
        String keptHex = hex(kept);
        String forgedHex = hex(forged);
        String hiddenHex = hex(hidden);
        HttpServer liar = proxy(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0),
                request -> request.contains("eth_call") ? request.replace(forgedHex, keptHex) : request,
                response -> withoutLogsMentioning(response, hiddenHex));
        try (Web3jLedger lying = Web3jLedger.connect(LedgerConfig.defaults(url("http", liar)), newKey(),
                chain.deployment());
                Web3jLedger honest = Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), newKey(),
                        chain.deployment())) {
            // (believed alone, the liar makes the forged root anchored: its forged records would verify)
            assertThat(lying.findAnchor(hospital, forged)).isPresent();
            assertThat(honest.findAnchor(hospital, forged)).isEmpty();

            // when
            ChainCrossCheck.Result result = ChainCrossCheck.compare(lying, honest, hospital,
                    List.of(kept, hidden, forged));

            // then: both lies are named, and nothing else
            assertThat(result.agree()).isFalse();
            assertThat(result.differences()).extracting(ChainCrossCheck.Difference::subject).containsExactlyInAnyOrder(
                    "RootAnchored " + hidden, "anchorOf(" + hospital + ", " + forged + ")");
            assertThat(result.differences()).filteredOn(d -> d.subject().startsWith("anchorOf"))
                    .singleElement().satisfies(d -> {
                        assertThat(d.primary()).startsWith("anchored at");
                        assertThat(d.second()).isEqualTo("not anchored");
                    });
            assertThat(result.rootsCompared()).isEqualTo(3);

            // and two honest endpoints agree
            try (Web3jLedger another = Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), newKey(),
                    chain.deployment())) {
                ChainCrossCheck.Result same = ChainCrossCheck.compare(honest, another, hospital,
                        List.of(kept, hidden, forged));
                assertThat(same.differences()).isEmpty();
                assertThat(same.eventsCompared()).isEqualTo(2);
            }
        } finally {
            liar.stop(0);
        }
    }

    @Test
    void aPinnedCaShouldReachTheValidatorOverTlsAndRefuseAnyOtherCertificate() throws Exception {
        // given: the validator's TLS endpoint, and an impostor's with a certificate of its own
        Path validatorKeys = selfSigned("validator");
        Path impostorKeys = selfSigned("impostor");
        Path validatorCa = exportCertificate(validatorKeys, "validator");
        HttpsServer validator = tls(validatorKeys);
        HttpsServer impostor = tls(impostorKeys);
        try {
            // when / then: pinned to the validator's CA, the node reaches the validator
            LedgerConfig pinned = LedgerConfig.defaults(url("https", validator)).withCaFile(validatorCa);
            try (Web3jLedger ledger = Web3jLedger.connect(pinned, newKey(), chain.deployment())) {
                assertThat(ledger.blockNumber()).isPositive();
            }
            // and is refused by an endpoint that presents another certificate, as by one the JVM's CAs would trust
            LedgerConfig fooled = LedgerConfig.defaults(url("https", impostor)).withCaFile(validatorCa);
            assertThatThrownBy(() -> Web3jLedger.connect(fooled, newKey(), chain.deployment()).close())
                    .isInstanceOf(BbehrException.class);
            // (and without the pin, the validator's own certificate is not trusted either: it is pinned, not public)
            assertThatThrownBy(() -> Web3jLedger.connect(LedgerConfig.defaults(url("https", validator)), newKey(),
                    chain.deployment()).close()).isInstanceOf(BbehrException.class);
        } finally {
            validator.stop(0);
            impostor.stop(0);
        }
    }

    /** Forwards JSON-RPC requests to the dev chain, each request and response passed through the given edits. */
    private static <S extends HttpServer> S proxy(S server, UnaryOperator<String> request,
            UnaryOperator<String> response) {
        HttpClient client = HttpClient.newHttpClient();
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(chain.rpcUrl()))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(request.apply(body))).build(),
                        HttpResponse.BodyHandlers.ofString());
                byte[] bytes = response.apply(answer.body()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.statusCode(), bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return server;
    }

    private static String withoutLogsMentioning(String response, String hex) {
        try {
            JsonNode answer = JSON.readTree(response);
            if (!(answer.get("result") instanceof ArrayNode logs) || logs.isEmpty() || !logs.get(0).has("topics")) {
                return response;
            }
            ArrayNode kept = JSON.createArrayNode();
            logs.forEach(log -> {
                if (!log.toString().contains(hex)) {
                    kept.add(log);
                }
            });
            ((ObjectNode) answer).set("result", kept);
            return JSON.writeValueAsString(answer);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpsServer tls(Path keyStore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keyStore.toFile())) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        return proxy(server, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** A key pair and a self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    private static Path selfSigned(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + name + " (synthetic)", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        return store;
    }

    private static Path exportCertificate(Path store, String name) throws Exception {
        Path pem = dir.resolve(name + ".pem");
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        return pem;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static String url(String scheme, HttpServer server) {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    private static Bytes32 randomRoot() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Bytes32.wrap(bytes);
    }

    private static String hex(Bytes32 value) {
        return HexFormat.of().formatHex(value.toArray());
    }
}
