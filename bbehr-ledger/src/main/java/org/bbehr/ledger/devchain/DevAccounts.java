package org.bbehr.ledger.devchain;

import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.MnemonicUtils;

/**
 * The dev chain's well-known accounts, derived like anvil's from its public test mnemonic. For the dev chain and
 * tests only: anyone knows these keys.
 */
public final class DevAccounts {

    /** anvil's default mnemonic; public knowledge, never for real funds or real data. */
    public static final String MNEMONIC = "test test test test test test test test test test test junk";
    private static final int HARDENED = 0x80000000;

    private DevAccounts() {}

    /** Account {@code index} of m/44'/60'/0'/0/index. */
    public static Credentials account(int index) {
        Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(MnemonicUtils.generateSeed(MNEMONIC, ""));
        int[] path = {44 | HARDENED, 60 | HARDENED, HARDENED, 0, index};
        return Credentials.create(Bip32ECKeyPair.deriveKeyPair(master, path));
    }

    /** The dev consortium admin, who also deploys the contracts. */
    public static Credentials admin() {
        return account(0);
    }
}
