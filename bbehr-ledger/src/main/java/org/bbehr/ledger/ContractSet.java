package org.bbehr.ledger;

import org.bbehr.core.ledger.Deployment;
import org.bbehr.ledger.contracts.ConsentRegistry;
import org.bbehr.ledger.contracts.ConsortiumMultisig;
import org.bbehr.ledger.contracts.HospitalDirectory;
import org.bbehr.ledger.contracts.RecordAnchor;
import org.bbehr.ledger.contracts.TimelockController;
import org.web3j.protocol.Web3j;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The generated wrappers of one deployment, used only to encode calls and decode results: they never send, so
 * signing, nonces and retries stay in {@link TransactionSender}.
 */
record ContractSet(
        TimelockController timelock,
        HospitalDirectory directory,
        ConsentRegistry consent,
        RecordAnchor anchor,
        ConsortiumMultisig multisig) {

    static ContractSet load(Web3j web3j, Deployment deployment, String from) {
        var readOnly = new ReadonlyTransactionManager(web3j, from);
        var gas = new DefaultGasProvider();
        return new ContractSet(
                TimelockController.load(deployment.consortiumAdmin().value(), web3j, readOnly, gas),
                HospitalDirectory.load(deployment.hospitalDirectory().value(), web3j, readOnly, gas),
                ConsentRegistry.load(deployment.consentRegistry().value(), web3j, readOnly, gas),
                RecordAnchor.load(deployment.recordAnchor().value(), web3j, readOnly, gas),
                ConsortiumMultisig.load(deployment.multisig().value(), web3j, readOnly, gas));
    }
}
