package org.bbehr.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bbehr.ledger.Fixtures.address;
import static org.bbehr.ledger.Fixtures.newKey;

import java.nio.file.Path;
import java.util.List;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.Deployment;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * A consortium deployed as {@code bbehr deploy} deploys it, on anvil: three hospitals' admins own a 2-of-3 multisig,
 * the timelock's only proposer, with a day's delay. No single admin key can change the directory.
 */
class ConsortiumGovernanceIT {

    static final long DAY = 86_400;

    @TempDir
    Path dir;

    DevChain chain;
    Deployment deployment;
    List<Credentials> admins;
    Fixtures.AnvilControl anvil;

    @BeforeEach
    void deploy() {
        chain = DevChain.start(DevChain.Options.in(dir));
        anvil = new Fixtures.AnvilControl(chain.rpcUrl());
        admins = List.of(funded(1), funded(2), funded(7));
        var consortium = new ContractDeployer.Consortium(admins.stream().map(Fixtures::address).toList(), DAY, 2);
        consortium.requireGoverned();
        deployment = ContractDeployer.deploy(LedgerConfig.defaults(chain.rpcUrl()), DevAccounts.admin(), consortium);
    }

    @AfterEach
    void stop() {
        chain.close();
    }

    /** Dev accounts hold ether on anvil; these three stand for three hospitals' admins. */
    static Credentials funded(int account) {
        return DevAccounts.account(account);
    }

    Web3jLedger ledgerOf(Credentials key) {
        return Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), key, deployment);
    }

    @Test
    void aHospitalShouldBeRegisteredOnlyWithTwoApprovalsAndAfterTheDelay() {
        // given
        Credentials node = newKey();
        var register = new LedgerCall.RegisterHospital(address(node), "Governed Hospital (synthetic)",
                "https://governed.example/fhir");
        Bytes32 salt = Bytes32.random();
        try (Web3jLedger first = ledgerOf(admins.get(0)); Web3jLedger second = ledgerOf(admins.get(1));
                Web3jLedger anyone = ledgerOf(DevAccounts.account(8))) {
            // when: one admin proposes; alone it cannot carry the proposal out
            long id = first.submit(new LedgerCall.Propose(register, salt, DAY))
                    .event(LedgerEvent.ProposalMade.class).proposalId();
            assertThatThrownBy(() -> first.submit(new LedgerCall.ExecuteProposal(id)))
                    .hasFieldOrPropertyWithValue("code", ErrorCode.ADMIN_MULTISIG_NOT_ENOUGH_APPROVALS);
            assertThatThrownBy(() -> first.submit(new LedgerCall.Approve(id)))
                    .hasFieldOrPropertyWithValue("code", ErrorCode.ADMIN_MULTISIG_ALREADY_APPROVED);
            // a second admin approves: the call is scheduled on the timelock, not yet executable
            assertThat(second.submit(new LedgerCall.Approve(id)).event(LedgerEvent.ProposalApproved.class)
                    .approvals()).isEqualTo(2);
            second.submit(new LedgerCall.ExecuteProposal(id));
            assertThatThrownBy(() -> anyone.submit(new LedgerCall.Execute(register, salt)))
                    .hasFieldOrPropertyWithValue("code", ErrorCode.ADMIN_OPERATION_STATE);
            // then: after the delay anyone executes it
            anvil.advanceTime(DAY + 1);
            var registered = anyone.submit(new LedgerCall.Execute(register, salt))
                    .event(LedgerEvent.HospitalRegistered.class);
            assertThat(registered.node()).isEqualTo(address(node));
            assertThat(anyone.hospitalCount()).isEqualTo(1);
            assertThat(anyone.readEvents(deployment.deployBlock(), anyone.blockNumber()))
                    .filteredOn(e -> e instanceof LedgerEvent.ProposalExecuted).hasSize(1);
        }
    }

    /** Registers a hospital the governed way: proposed, approved by a second admin, executed after the delay. */
    int registerThroughTwoAdmins(Credentials node) {
        var register = new LedgerCall.RegisterHospital(address(node), "Governed Hospital (synthetic)",
                "https://governed.example/fhir");
        Bytes32 salt = Bytes32.random();
        try (Web3jLedger first = ledgerOf(admins.get(0)); Web3jLedger second = ledgerOf(admins.get(1))) {
            long id = first.submit(new LedgerCall.Propose(register, salt, DAY))
                    .event(LedgerEvent.ProposalMade.class).proposalId();
            second.submit(new LedgerCall.Approve(id));
            second.submit(new LedgerCall.ExecuteProposal(id));
            anvil.advanceTime(DAY + 1);
            return first.submit(new LedgerCall.Execute(register, salt)).event(LedgerEvent.HospitalRegistered.class)
                    .hospitalId();
        }
    }

    @Test
    void noSingleAdminKeyShouldScheduleOrExecuteAConsortiumCall() {
        // given: a hospital, and an admin who wants to rotate its node address to a key of their own, alone (the
        // new node would inherit every grant made to the hospital)
        int hospital = registerThroughTwoAdmins(newKey());
        var takeover = new LedgerCall.RotateNodeAddress(hospital, address(newKey()));
        Bytes32 salt = Bytes32.random();
        try (Web3jLedger rogue = ledgerOf(admins.get(2)); Web3jLedger stranger = ledgerOf(DevAccounts.account(8))) {
            // when / then: straight to the timelock, or to the directory, it is not allowed
            assertThatThrownBy(() -> rogue.submit(new LedgerCall.Schedule(takeover, salt, DAY)))
                    .hasFieldOrPropertyWithValue("code", ErrorCode.ADMIN_UNAUTHORIZED);
            assertThatThrownBy(() -> rogue.submit(takeover))
                    .hasFieldOrPropertyWithValue("code", ErrorCode.DIRECTORY_UNAUTHORIZED);
            // and through the multisig one approval is not enough; a stranger cannot even propose
            long id = rogue.submit(new LedgerCall.Propose(takeover, salt, DAY))
                    .event(LedgerEvent.ProposalMade.class).proposalId();
            assertThatThrownBy(() -> rogue.submit(new LedgerCall.ExecuteProposal(id)))
                    .hasFieldOrPropertyWithValue("code", ErrorCode.ADMIN_MULTISIG_NOT_ENOUGH_APPROVALS);
            assertThatThrownBy(() -> stranger.submit(new LedgerCall.Propose(takeover, salt, DAY)))
                    .hasFieldOrPropertyWithValue("code", ErrorCode.ADMIN_MULTISIG_UNAUTHORIZED);
            assertThat(rogue.findHospital(hospital).orElseThrow().node()).isNotEqualTo(takeover.newNode());
        }
    }
}
