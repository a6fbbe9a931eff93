package org.bbehr.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A {@link BlindIndex} from a raw HMAC-SHA256 key: for in-memory nodes and tests; nodes on disk use their keyset. */
public final class HmacBlindIndex implements BlindIndex {

    private final SecretKeySpec key;
    /** One initialized MAC per thread: looking one up for every token costs more than the HMAC itself. */
    private final ThreadLocal<Mac> macs;

    public HmacBlindIndex(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a blind-index key needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String token(String kind, String normalizedValue) {
        Mac mac = macs.get();
        mac.reset();
        mac.update(kind.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        byte[] digest = mac.doFinal(normalizedValue.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }
}
