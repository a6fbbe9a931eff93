package org.bbehr.store.crypto;

import com.google.crypto.tink.prf.PrfSet;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import org.bbehr.core.crypto.BlindIndex;

/**
 * A {@link BlindIndex} under the node's blind-index keyset: the token is the base64url of the first 16 bytes of
 * HMAC-SHA256 over {@code kind ‖ 0x00 ‖ value} (UTF-8).
 */
public final class TinkBlindIndex implements BlindIndex {

    private static final int TOKEN_BYTES = 16;

    private final PrfSet prf;

    TinkBlindIndex(PrfSet prf) {
        this.prf = prf;
    }

    @Override
    public String token(String kind, String normalizedValue) {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes(kind.getBytes(StandardCharsets.UTF_8));
        input.write(0);
        input.writeBytes(normalizedValue.getBytes(StandardCharsets.UTF_8));
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(prf.computePrimary(input.toByteArray(), TOKEN_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the blind-index PRF failed", e);
        }
    }
}
