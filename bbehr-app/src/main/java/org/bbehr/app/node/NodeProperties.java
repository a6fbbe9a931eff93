package org.bbehr.app.node;

import java.nio.file.Path;
import java.util.List;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A node's settings, under {@code bbehr.*} (file, command line or environment, e.g. {@code BBEHR_STORE_MODE}).
 *
 * @param dataDir where the node keeps its state
 * @param store which record store and how to reach it
 * @param fhir the FHIR server's options
 */
@ConfigurationProperties("bbehr")
public record NodeProperties(
        @DefaultValue(".bbehr") Path dataDir,
        @DefaultValue Store store,
        @DefaultValue Fhir fhir,
        @DefaultValue Chain chain,
        @DefaultValue Keys keys,
        @DefaultValue Anchoring anchoring,
        @DefaultValue Http http) {

    /**
     * @param allowedHosts the host names the node is reached by besides {@code localhost}, {@code 127.0.0.1} and
     *     {@code ::1} (e.g. {@code ehr.hospital.example}); a request naming another host in {@code Host} gets 421
     */
    public record Http(@DefaultValue List<String> allowedHosts) {}

    /**
     * How versions are anchored: a batch as soon as {@code maxBatch} versions wait or the oldest has waited
     * {@code maxDelay}; roots anchored within {@code recheckWindow} are looked up again every {@code recheckInterval}.
     */
    public record Anchoring(@DefaultValue("1000") int maxBatch, @DefaultValue("1s") java.time.Duration maxDelay,
            @DefaultValue("10s") java.time.Duration recheckInterval, @DefaultValue("1h") java.time.Duration recheckWindow,
            @DefaultValue("2s") java.time.Duration retryDelay) {

        public org.bbehr.core.anchor.AnchorSettings settings() {
            return new org.bbehr.core.anchor.AnchorSettings(maxBatch, maxDelay, recheckInterval, recheckWindow,
                    retryDelay);
        }
    }

    /**
     * The record keys from configuration instead of {@code <dataDir>/keys} (e.g. from a secret store through
     * {@code BBEHR_KEYS_KEK} and {@code BBEHR_KEYS_BLIND_INDEX}): base64 of the Tink JSON keysets that
     * {@code bbehr keys backup} protects; or the KEK in an HSM ({@code pkcs11}); and how a blind-index key rotation
     * runs.
     */
    public record Keys(String kek, String blindIndex, @DefaultValue IndexRotation indexRotation,
            @DefaultValue Pkcs11 pkcs11) {

        public boolean configured() {
            return kek != null && !kek.isBlank();
        }
    }

    /**
     * The key-encryption key in an HSM through PKCS#11 (docs/keys.md, "The KEK in an HSM").
     *
     * @param config a SunPKCS11 configuration file (library, slot); unset: the KEK is a Tink file
     * @param pinFile a file whose first line is the token's user PIN (or {@code BBEHR_PKCS11_PIN})
     * @param kekLabel the key's alias in the token, made there on the first start if missing
     */
    public record Pkcs11(Path config, Path pinFile, @DefaultValue("bbehr-kek") String kekLabel) {

        public boolean configured() {
            return config != null;
        }

        public char[] pin() {
            if (pinFile != null) {
                return org.bbehr.store.crypto.Pkcs11Kek.pinFrom(pinFile);
            }
            String pin = System.getenv("BBEHR_PKCS11_PIN");
            if (pin == null || pin.isEmpty()) {
                throw new BbehrException(ErrorCode.KEYS_MISSING, "bbehr.keys.pkcs11.config is set but there is no"
                        + " PIN: set bbehr.keys.pkcs11.pin-file or BBEHR_PKCS11_PIN");
            }
            return pin.toCharArray();
        }
    }

    /**
     * How a blind-index key rotation re-indexes: {@code batchSize} resources per database transaction (their rows
     * locked meanwhile), with {@code pause} between transactions to leave room for the node's users.
     */
    public record IndexRotation(@DefaultValue("200") int batchSize, @DefaultValue("0s") java.time.Duration pause) {}

    /**
     * @param mode {@code embedded} (a PostgreSQL the node runs in its data directory; the default), {@code external}
     *     (a PostgreSQL at {@code url}) or {@code memory} (nothing kept, nothing encrypted: tests only)
     * @param username the node's role on an external PostgreSQL
     * @param migrationUsername the schema's owner, who migrates it and grants {@code username} its rights; empty when
     *     the node's role owns the schema (see docs/operations.md, "External PostgreSQL")
     */
    public record Store(@DefaultValue("embedded") String mode, String url, String username, String password,
            String migrationUsername, String migrationPassword) {}

    /**
     * @param rpcUrl the consortium chain's JSON-RPC URL; empty runs the node without a chain (tests only)
     * @param deploymentFile the consortium's deployment file
     * @param keystore the node's encrypted keystore (password from {@code BBEHR_KEYSTORE_PASSWORD} or
     *     {@code keystorePasswordFile})
     * @param keystorePasswordFile a file whose first line is the keystore password
     * @param devAccount for {@code bbehr dev} only: sign with this well-known dev account instead of a keystore
     * @param confirmations blocks to wait for each transaction
     * @param caFile PEM CA certificates that an {@code https} RPC endpoint's certificate must lead to (pinned)
     */
    public record Chain(String rpcUrl, Path deploymentFile, Path keystore, Path keystorePasswordFile,
            Integer devAccount, @DefaultValue("1") int confirmations, Path caFile) {

        public boolean enabled() {
            return rpcUrl != null && !rpcUrl.isBlank();
        }
    }

    /**
     * @param validateProfiles run full profile validation on every write (slow: see docs/benchmarks.md)
     * @param maxBodyBytes the largest request body accepted
     * @param validatorReleaseAfter when profiles are validated only on request, how long the validator (and the
     *     ~200 MB of definitions it holds) is kept unused before it is let go; the next validation loads it again
     */
    public record Fhir(@DefaultValue("false") boolean validateProfiles,
            @DefaultValue("33554432") long maxBodyBytes,
            @DefaultValue("60s") java.time.Duration validatorReleaseAfter) {}
}
