package org.bbehr.store.crypto;

import com.google.crypto.tink.prf.Prf;
import com.google.crypto.tink.prf.PrfSet;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.bbehr.core.crypto.BlindIndex;

/**
 * A {@link BlindIndex} under the node's blind-index keyset: the token is the base64url of the first 16 bytes of
 * HMAC-SHA256 over {@code kind ‖ 0x00 ‖ value} (UTF-8). Tokens to store are made with the primary key; a search
 * matches the tokens under every key of the keyset, so that it finds every value while a key rotation re-indexes.
 * The keyset is replaced in place when a rotation adds or retires a key.
 */
public final class TinkBlindIndex implements BlindIndex {

    private static final int TOKEN_BYTES = 16;

    /** The keyset's PRFs, the primary's first. */
    private volatile List<Prf> prfs;
    /**
     * Shared by the writes that make and store tokens, exclusive while the primary changes; fair, so a change does
     * not wait for writes that begin after it.
     */
    private final ReentrantReadWriteLock primaryLock = new ReentrantReadWriteLock(true);

    TinkBlindIndex(PrfSet prf) {
        this.prfs = primaryFirst(prf);
    }

    @Override
    public String token(String kind, String normalizedValue) {
        return compute(prfs.getFirst(), input(kind, normalizedValue));
    }

    @Override
    public List<String> tokens(String kind, String normalizedValue) {
        List<Prf> all = prfs;
        byte[] input = input(kind, normalizedValue);
        List<String> tokens = new ArrayList<>(all.size());
        for (Prf prf : all) {
            tokens.add(compute(prf, input));
        }
        return tokens;
    }

    @Override
    public <T> T withStablePrimary(Supplier<T> work) {
        primaryLock.readLock().lock();
        try {
            return work.get();
        } finally {
            primaryLock.readLock().unlock();
        }
    }

    /** How many keys the index holds: more than one while a key rotation is under way. */
    int size() {
        return prfs.size();
    }

    /**
     * Runs {@code change}, which saves a keyset with a new primary and then {@link #use uses} it, once every
     * {@link #withStablePrimary} begun before has ended, holding back those that begin meanwhile.
     */
    void changePrimary(Runnable change) {
        primaryLock.writeLock().lock();
        try {
            change.run();
        } finally {
            primaryLock.writeLock().unlock();
        }
    }

    /** From now on, makes tokens with {@code prf}'s keys. */
    void use(PrfSet prf) {
        prfs = primaryFirst(prf);
    }

    private static List<Prf> primaryFirst(PrfSet prf) {
        Map<Integer, Prf> all;
        try {
            all = prf.getPrfs();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the blind-index keyset has no PRFs", e);
        }
        List<Prf> ordered = new ArrayList<>(all.size());
        ordered.add(all.get(prf.getPrimaryId()));
        all.keySet().stream().sorted().filter(id -> id != prf.getPrimaryId()).forEach(id -> ordered.add(all.get(id)));
        return List.copyOf(ordered);
    }

    private static byte[] input(String kind, String normalizedValue) {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes(kind.getBytes(StandardCharsets.UTF_8));
        input.write(0);
        input.writeBytes(normalizedValue.getBytes(StandardCharsets.UTF_8));
        return input.toByteArray();
    }

    private static String compute(Prf prf, byte[] input) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(prf.compute(input, TOKEN_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the blind-index PRF failed", e);
        }
    }
}
