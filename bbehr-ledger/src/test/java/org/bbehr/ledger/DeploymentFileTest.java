package org.bbehr.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.ledger.Deployment;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentFileTest {

    @TempDir
    Path dir;

    @Test
    void writtenDeploymentShouldReadBackEqual() {
        // given
        Deployment deployment = new Deployment(31337, Address.of("0x5fbdb2315678afecb367f032d93f642f64180aa3"),
                Address.of("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"),
                Address.of("0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0"),
                Address.of("0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9"), 12, ContractDeployer.fingerprint(),
                Address.of("0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e1"));
        Path file = dir.resolve("sub/deployment.json");
        // when
        DeploymentFile.write(file, deployment);
        // then
        assertThat(DeploymentFile.read(file)).isEqualTo(deployment);
    }

    @Test
    void incompleteOrMissingFileShouldBeRefusedWithItsCode() throws Exception {
        // given
        Path incomplete = Files.writeString(dir.resolve("d.json"), "{\"chainId\": 1}");
        // when / then
        assertThatThrownBy(() -> DeploymentFile.read(incomplete))
                .hasFieldOrPropertyWithValue("code", ErrorCode.DEPLOYMENT_INVALID)
                .hasMessageContaining("consortiumAdmin");
        assertThatThrownBy(() -> DeploymentFile.read(dir.resolve("none.json")))
                .hasFieldOrPropertyWithValue("code", ErrorCode.DEPLOYMENT_INVALID);
    }

    @Test
    void aDeploymentOfTheFirstContractsShouldBeReadAndRefusedWithHowToStartAfresh() throws Exception {
        // given: a deployment file as the first contracts' releases wrote it, without a fingerprint
        Path first = Files.writeString(dir.resolve("v1.json"), "{\"chainId\": 31337,"
                + " \"consortiumAdmin\": \"0x5fbdb2315678afecb367f032d93f642f64180aa3\","
                + " \"hospitalDirectory\": \"0xe7f1725e7734ce288f8367e1bb143e90bb3f0512\","
                + " \"consentRegistry\": \"0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0\","
                + " \"recordAnchor\": \"0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9\", \"deployBlock\": 3}");
        Deployment deployment = DeploymentFile.read(first);
        // when / then
        assertThat(deployment.contracts()).isEmpty();
        assertThatThrownBy(() -> ContractDeployer.requireCurrent(deployment, "in " + first))
                .hasFieldOrPropertyWithValue("code", ErrorCode.DEPLOYMENT_OUTDATED)
                .hasMessageContaining("start afresh").hasMessageContaining("--data-dir");
        assertThatThrownBy(() -> ContractDeployer.requireCurrent(new Deployment(31337, deployment.consortiumAdmin(),
                deployment.hospitalDirectory(), deployment.consentRegistry(), deployment.recordAnchor(), 3,
                "0x" + "ab".repeat(32), Address.ZERO), "in a test")).hasFieldOrPropertyWithValue("code",
                ErrorCode.DEPLOYMENT_OUTDATED);
    }

    @Test
    void aConsortiumWithoutKOfNApprovalOrADelayShouldBeRefusedOutsideDev() {
        // given
        List<Address> three = List.of(Address.of("0x00000000000000000000000000000000000000a1"),
                Address.of("0x00000000000000000000000000000000000000a2"),
                Address.of("0x00000000000000000000000000000000000000a3"));
        // when / then
        assertThatThrownBy(() -> ContractDeployer.Consortium.singleKey(three.getFirst()).requireGoverned())
                .hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_INPUT).hasMessageContaining("k-of-n");
        assertThatThrownBy(() -> new ContractDeployer.Consortium(three, 0, 2).requireGoverned())
                .hasMessageContaining("delay");
        assertThatThrownBy(() -> new ContractDeployer.Consortium(three, 86_400, 4))
                .hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_INPUT);
        assertThatThrownBy(() -> new ContractDeployer.Consortium(List.of(three.get(0), three.get(0)), 86_400, 2))
                .hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_INPUT);
        new ContractDeployer.Consortium(three, 86_400, 2).requireGoverned();
    }

    @Test
    void theDevKeysShouldBeRefusedForAnyDeploymentButADevChainsSingleKeyConsortium() {
        // given
        Address a = Address.of("0x5fbdb2315678afecb367f032d93f642f64180aa3");
        Deployment dev = new Deployment(DevChain.CHAIN_ID, a, a, a, a, 1, "", Address.ZERO);
        Deployment otherChain = new Deployment(1, a, a, a, a, 1, "", Address.ZERO);
        Deployment governed = new Deployment(DevChain.CHAIN_ID, a, a, a, a, 1, "", a);
        // when / then
        assertThat(DevAccounts.forDevChainOnly(3, dev).getAddress()).isEqualTo(DevAccounts.account(3).getAddress());
        assertThatThrownBy(() -> DevAccounts.forDevChainOnly(3, otherChain))
                .hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_INPUT)
                .hasMessageContaining("bbehr.chain.keystore");
        assertThatThrownBy(() -> DevAccounts.forDevChainOnly(3, governed))
                .hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_INPUT);
    }
}
