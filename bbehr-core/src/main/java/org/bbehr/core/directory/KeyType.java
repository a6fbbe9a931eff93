package org.bbehr.core.directory;

/** What a hospital's published public key is; the ordinal is HospitalDirectory's {@code KeyType}. */
public enum KeyType {
    NONE,
    SECP256K1,
    P256,
    ED25519,
    X25519
}
