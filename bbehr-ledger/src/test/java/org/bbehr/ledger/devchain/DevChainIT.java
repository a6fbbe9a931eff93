package org.bbehr.ledger.devchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.directory.StaffRole;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.Web3jLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/** The dev chain keeps its contracts and their state across a kill -9 and across an orphaned anvil. */
class DevChainIT {

    @TempDir
    Path dataDir;

    @Test
    void killedChainShouldComeBackWithItsContractsStaffAndGrants() throws Exception {
        // given
        Credentials node = Credentials.create(Keys.createEcKeyPair());
        Credentials bob = Credentials.create(Keys.createEcKeyPair());
        Credentials alice = Credentials.create(Keys.createEcKeyPair());
        DevChain first = DevChain.start(DevChain.Options.in(dataDir));
        int hospitalId;
        try (Web3jLedger admin = ledger(first, DevAccounts.admin())) {
            hospitalId = admin.administer(new LedgerCall.RegisterHospital(address(node), "Synthetic General", "https://g"))
                    .event(LedgerEvent.HospitalRegistered.class).hospitalId();
            ledger(first, node).submit(new LedgerCall.AddStaff(address(bob), StaffRole.PRACTITIONER));
            ledger(first, alice).submit(new LedgerCall.Grant(Grantee.practitioner(address(bob)),
                    Category.scopes(Category.CONDITIONS), Purpose.TREATMENT, Instant.now().plus(Duration.ofDays(30))));
        }
        Thread.sleep(2_500); // anvil saves its state every second
        // when
        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
        ProcessHandle.of(first.pid()).ifPresent(p -> p.onExit().join());
        DevChain second = DevChain.start(DevChain.Options.in(dataDir));
        // then
        try (second; Web3jLedger admin = ledger(second, DevAccounts.admin())) {
            assertThat(second.deployment()).isEqualTo(first.deployment());
            assertThat(admin.findHospital(hospitalId)).isPresent();
            assertThat(admin.isActiveStaff(address(bob), hospitalId, StaffRole.PRACTITIONER)).isTrue();
            assertThat(admin.isAuthorized(address(alice), address(bob), Category.CONDITIONS)).isTrue();
        }
    }

    @Test
    void startShouldStopAChainLeftRunningAndKeepItsState() {
        // given
        DevChain orphan = DevChain.start(DevChain.Options.in(dataDir));
        long orphanPid = orphan.pid();
        // when
        DevChain next = DevChain.start(DevChain.Options.in(dataDir));
        // then
        try (next) {
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(next.deployment()).isEqualTo(orphan.deployment());
            assertThat(Files.readString(dataDir.resolve("anvil.pid")).trim()).isEqualTo(Long.toString(next.pid()));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void startShouldDeployAgainWhenTheChainLostItsState() throws Exception {
        // given
        DevChain first = DevChain.start(DevChain.Options.in(dataDir));
        first.close();
        Files.delete(dataDir.resolve("anvil-state.json"));
        // when
        try (DevChain second = DevChain.start(DevChain.Options.in(dataDir))) {
            // then
            try (Web3jLedger admin = ledger(second, DevAccounts.admin())) {
                assertThat(admin.hospitalCount()).isZero();
            }
            assertThat(org.bbehr.ledger.DeploymentFile.read(second.deploymentFile())).isEqualTo(second.deployment());
        }
    }

    @Test
    void startShouldRefuseADataDirectoryMadeWithTheFirstContracts() throws Exception {
        // given: a data directory whose deployment file was written with the first contracts (no fingerprint)
        DevChain first = DevChain.start(DevChain.Options.in(dataDir));
        first.close();
        Path file = dataDir.resolve("deployment.json");
        Files.writeString(file, Files.readString(file).replaceAll(",\\s*\"contracts\"\\s*:\\s*\"[^\"]*\"", ""));
        // when / then: refused with how to start afresh, and the file is left as it was
        String before = Files.readString(file);
        assertThatThrownBy(() -> DevChain.start(DevChain.Options.in(dataDir)))
                .hasFieldOrPropertyWithValue("code", ErrorCode.DEPLOYMENT_OUTDATED)
                .hasMessageContaining("start afresh");
        assertThat(Files.readString(file)).isEqualTo(before).doesNotContain("contracts");
    }

    private static Web3jLedger ledger(DevChain chain, Credentials key) {
        return Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), key, chain.deployment());
    }

    private static Address address(Credentials credentials) {
        return Address.of(credentials.getAddress());
    }
}
