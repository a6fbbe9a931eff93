package org.bbehr.store.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.BlindIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's two secret keys: the key-encryption key (KEK, a Tink AES-256-GCM keyset) that wraps every resource's data
 * key, and the blind-index key (a Tink HMAC-SHA256 PRF keyset) that turns protected values into search tokens. They
 * live as Tink cleartext JSON keysets in {@code <dataDir>/keys/} (mode 600, created on first start) or come from
 * configuration. Losing them loses every record: see docs/keys.md. Thread-safe.
 */
public final class NodeKeys {

    private static final Logger log = LoggerFactory.getLogger(NodeKeys.class);
    public static final String KEK_FILE = "kek.json";
    public static final String BLIND_INDEX_FILE = "blind-index.json";

    private final Path keysDir;
    private final TinkBlindIndex blindIndex;
    private volatile KeysetHandle blindIndexKeyset;
    private volatile Kek kek;

    private NodeKeys(Path keysDir, KeysetHandle kekKeyset, KeysetHandle blindIndexKeyset) {
        this(keysDir, new Kek(kekKeyset, null), blindIndexKeyset);
    }

    private NodeKeys(Path keysDir, Kek kek, KeysetHandle blindIndexKeyset) {
        this.keysDir = keysDir;
        this.kek = kek;
        this.blindIndexKeyset = blindIndexKeyset;
        this.blindIndex = new TinkBlindIndex(prf(blindIndexKeyset));
    }

    /**
     * The keys of a node whose key-encryption key is in an HSM ({@link Pkcs11Kek}): the blind-index key from
     * {@code <dataDir>/keys/} (made on the first start), no KEK file.
     */
    public static NodeKeys withTokenKek(Path dataDir, Kek tokenKek) {
        Path dir = keysDir(dataDir);
        registerTink();
        if (!Files.exists(dir.resolve(BLIND_INDEX_FILE))) {
            SecretFiles.write(dir.resolve(BLIND_INDEX_FILE), toJson(generate(PredefinedPrfParameters.HMAC_SHA256_PRF)));
            log.info("created a new blind-index key in {}; back it up now (the KEK is in the HSM)", dir);
        }
        return new NodeKeys(dir, tokenKek, parse(SecretFiles.read(dir.resolve(BLIND_INDEX_FILE)), BLIND_INDEX_FILE));
    }

    /** Where the keys of the node with data directory {@code dataDir} live. */
    public static Path keysDir(Path dataDir) {
        return dataDir.resolve("keys");
    }

    /** Loads the keys from {@code <dataDir>/keys/}, creating both on the first start (when neither file exists). */
    public static NodeKeys loadOrCreate(Path dataDir) {
        Path dir = keysDir(dataDir);
        if (!Files.exists(dir.resolve(KEK_FILE)) && !Files.exists(dir.resolve(BLIND_INDEX_FILE))) {
            registerTink();
            SecretFiles.write(dir.resolve(KEK_FILE), toJson(generate(PredefinedAeadParameters.AES256_GCM)));
            SecretFiles.write(dir.resolve(BLIND_INDEX_FILE), toJson(generate(PredefinedPrfParameters.HMAC_SHA256_PRF)));
            log.info("created a new key-encryption key and blind-index key in {}; back them up now", dir);
        }
        return load(dataDir);
    }

    /**
     * Loads existing keys from {@code <dataDir>/keys/}.
     *
     * @throws BbehrException {@code KEYS_MISSING} when either file is missing or unreadable
     */
    public static NodeKeys load(Path dataDir) {
        Path dir = keysDir(dataDir);
        for (String name : new String[] {KEK_FILE, BLIND_INDEX_FILE}) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new BbehrException(ErrorCode.KEYS_MISSING, "no " + name + " in " + dir
                        + ": restore the node's keys from their backup (bbehr keys restore); without them its records"
                        + " cannot be read");
            }
        }
        return new NodeKeys(dir, parse(SecretFiles.read(dir.resolve(KEK_FILE)), KEK_FILE),
                parse(SecretFiles.read(dir.resolve(BLIND_INDEX_FILE)), BLIND_INDEX_FILE));
    }

    /**
     * Keys given by configuration, each the base64 of a Tink cleartext JSON keyset. Such keys cannot be rotated in
     * place: the node cannot write them back.
     */
    public static NodeKeys fromConfiguration(String kekBase64, String blindIndexBase64) {
        return new NodeKeys(null, parse(decodeBase64(kekBase64, "key-encryption key"), "the key-encryption key"),
                parse(decodeBase64(blindIndexBase64, "blind-index key"), "the blind-index key"));
    }

    /** The blind index under the node's blind-index keyset, as it is now and after every rotation step. */
    public BlindIndex blindIndex() {
        return blindIndex;
    }

    /** Whether the keys live in files the node can write, so that they can be rotated. */
    public boolean writable() {
        return keysDir != null;
    }

    /** How many keys the blind-index keyset holds: more than one while a rotation of it is unfinished. */
    public int blindIndexKeyCount() {
        return blindIndexKeyset.size();
    }

    /** The Tink key id of the blind-index key that makes the tokens stored. */
    public int blindIndexPrimaryId() {
        return blindIndexKeyset.getPrimary().getId();
    }

    /**
     * Adds a new primary key to the blind-index keyset and saves it; the old keys stay, so searches still match the
     * tokens stored under them. The new key is used only once every write that was making tokens with the old one has
     * ended (see {@link BlindIndex#withStablePrimary}).
     */
    public synchronized void addBlindIndexPrimary() {
        requireWritable("blind-index key");
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(blindIndexKeyset);
        builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedPrfParameters.HMAC_SHA256_PRF)
                .withRandomId().makePrimary());
        KeysetHandle keyset = build(builder);
        blindIndex.changePrimary(() -> saveBlindIndex(keyset));
        log.info("added blind-index key {} as primary; {} keys held until the re-index finishes",
                Integer.toUnsignedString(blindIndexPrimaryId()), blindIndexKeyCount());
    }

    /** Removes every blind-index key but the primary from the keyset and saves it: tokens under them match no more. */
    public synchronized void retireOldBlindIndexKeys() {
        requireWritable("blind-index key");
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(blindIndexKeyset);
        for (int i = builder.size() - 1; i >= 0; i--) {
            if (!builder.getAt(i).isPrimary()) {
                builder.deleteAt(i);
            }
        }
        saveBlindIndex(build(builder));
        log.info("retired the old blind-index keys; key {} remains", Integer.toUnsignedString(blindIndexPrimaryId()));
    }

    /** The key-encryption key as it is now. */
    public Kek kek() {
        return kek;
    }

    /** Adds a new primary key to the KEK keyset and saves it; the old keys stay, so every data key still unwraps. */
    public synchronized void addKekPrimary() {
        KeysetHandle current = kek.keyset();
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(current);
        builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                .withRandomId().makePrimary());
        save(build(builder), null);
        log.info("added key-encryption key {} as primary; {} keys held until the rotation finishes",
                kek.primaryId(), kek.size());
    }

    /** Removes every KEK key but the primary from the keyset and saves it: data keys wrapped by them no longer open. */
    public synchronized void retireOldKeks() {
        KeysetHandle current = kek.keyset();
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(current);
        for (int i = builder.size() - 1; i >= 0; i--) {
            if (!builder.getAt(i).isPrimary()) {
                builder.deleteAt(i);
            }
        }
        save(build(builder), kek.aead());
        log.info("retired the old key-encryption keys; key {} remains", kek.primaryId());
    }

    /** The KEK keyset as Tink cleartext JSON, for a backup. */
    String kekJson() {
        return toJson(kek.keyset());
    }

    /** The blind-index keyset as Tink cleartext JSON, for a backup. */
    String blindIndexJson() {
        return toJson(blindIndexKeyset);
    }

    private void save(KeysetHandle keyset, Aead retired) {
        requireWritable("key-encryption key");
        SecretFiles.write(keysDir.resolve(KEK_FILE), toJson(keyset));
        kek = new Kek(keyset, retired);
    }

    private void saveBlindIndex(KeysetHandle keyset) {
        SecretFiles.write(keysDir.resolve(BLIND_INDEX_FILE), toJson(keyset));
        blindIndexKeyset = keyset;
        blindIndex.use(prf(keyset));
    }

    private void requireWritable(String which) {
        if (keysDir == null) {
            throw new BbehrException(ErrorCode.KEYS_NOT_WRITABLE, "the " + which + " comes from configuration and"
                    + " cannot be rotated in place: keep the node's keys in its data directory to rotate them");
        }
    }

    /** Registers Tink's AEAD and PRF key managers; safe to call more than once. */
    static void registerTink() {
        Holder.touch();
    }

    static KeysetHandle parse(String json, String what) {
        registerTink();
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new BbehrException(ErrorCode.KEYS_MISSING, what + " is not a Tink JSON keyset", e);
        }
    }

    static String toJson(KeysetHandle keyset) {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot serialize a keyset", e);
        }
    }

    private static KeysetHandle generate(com.google.crypto.tink.Parameters parameters) {
        try {
            return KeysetHandle.generateNew(parameters);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a key", e);
        }
    }

    private static KeysetHandle build(KeysetHandle.Builder builder) {
        try {
            return builder.build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a keyset", e);
        }
    }

    private static PrfSet prf(KeysetHandle keyset) {
        try {
            return keyset.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
        } catch (GeneralSecurityException e) {
            throw new BbehrException(ErrorCode.KEYS_MISSING, "the blind-index keyset is not a PRF keyset", e);
        }
    }

    private static String decodeBase64(String base64, String what) {
        try {
            return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BbehrException(ErrorCode.KEYS_MISSING, "the configured " + what + " is not base64");
        }
    }

    /** Registers Tink once, when first needed. */
    private static final class Holder {
        static {
            try {
                AeadConfig.register();
                PrfConfig.register();
            } catch (GeneralSecurityException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static void touch() {
            // loading the class ran the registration
        }
    }
}
