package org.bbehr.core.directory;

import java.util.Optional;

/**
 * How other hospitals exchange records with one, as its node published it in HospitalDirectory: the exchange
 * endpoint, and the public keys it signs with and receives encrypted payloads under, each with its type (empty until
 * set).
 */
public record HospitalExchange(Optional<String> endpoint, Optional<PublicKey> signingKey,
        Optional<PublicKey> encryptionKey) {

    public static final HospitalExchange NONE = new HospitalExchange(Optional.empty(), Optional.empty(),
            Optional.empty());

    /** A public key with its type; the bytes as the type encodes them (SEC1 for the ECDSA curves, 32 bytes else). */
    public record PublicKey(KeyType type, byte[] bytes) {
        public PublicKey {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PublicKey key && key.type == type && java.util.Arrays.equals(key.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return 31 * type.hashCode() + java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return type + ":" + org.bbehr.core.crypto.Hex.encode(bytes);
        }
    }
}
