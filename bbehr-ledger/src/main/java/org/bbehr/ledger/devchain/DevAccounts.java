package org.bbehr.ledger.devchain;

import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.ledger.Deployment;
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

    /**
     * Account {@code index}, for a node on {@code bbehr dev}'s own chain only: refused for any deployment that is not
     * a dev chain's (another chain id, or a consortium with a multisig), since anyone can sign with these keys.
     */
    public static Credentials forDevChainOnly(int index, Deployment deployment) {
        if (deployment.chainId() != DevChain.CHAIN_ID || deployment.hasMultisig()) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "bbehr.chain.dev-account is only for bbehr dev's own"
                    + " chain (chain " + DevChain.CHAIN_ID + ", a single-key consortium): anyone knows the dev keys."
                    + " Give the node its own key with bbehr.chain.keystore");
        }
        return account(index);
    }

    /** The dev consortium admin, who also deploys the contracts. */
    public static Credentials admin() {
        return account(0);
    }
}
