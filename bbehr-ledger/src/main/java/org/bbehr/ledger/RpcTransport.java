package org.bbehr.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.web3j.protocol.http.HttpService;

/**
 * The HTTP transport to a JSON-RPC endpoint. With a CA file, an {@code https} endpoint is trusted only if its
 * certificate chain leads to one of the file's certificates, whatever the JVM's CAs say (a pinned CA: the hospital's
 * own validator's, or the consortium's); the host name is checked as usual.
 */
final class RpcTransport {

    private RpcTransport() {}

    static HttpService http(LedgerConfig config) {
        if (config.caFile() == null) {
            return new HttpService(config.rpcUrl());
        }
        X509TrustManager trust = trusting(config.caFile());
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {trust}, null);
            OkHttpClient client = HttpService.getOkHttpClientBuilder()
                    .sslSocketFactory(tls.getSocketFactory(), trust).build();
            return new HttpService(config.rpcUrl(), client);
        } catch (GeneralSecurityException e) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "cannot set up TLS with " + config.caFile() + ": "
                    + e.getMessage(), e);
        }
    }

    private static X509TrustManager trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new BbehrException(ErrorCode.INVALID_INPUT, caFile + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JVM has no X.509 trust manager");
        } catch (IOException | GeneralSecurityException e) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "cannot read the CA certificates in " + caFile + ": "
                    + e.getMessage(), e);
        }
    }
}
