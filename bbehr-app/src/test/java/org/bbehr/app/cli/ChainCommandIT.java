package org.bbehr.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.directory.StaffRole;
import org.bbehr.core.ledger.Deployment;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.ledger.DeploymentFile;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.Web3jLedger;
import org.bbehr.ledger.devchain.DevAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/** The packaged {@code bbehr} jar as a user runs it: {@code chain}, a kill -9, a restart, and {@code deploy}. */
class ChainCommandIT {

    private static final Pattern RPC = Pattern.compile("JSON-RPC\\s+(http://\\S+)");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process process : started) {
            process.destroy();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void chainShouldKeepContractsStaffAndGrantsAfterAKillMinusNineAndARestart() throws Exception {
        // given
        Path data = dir.resolve("data");
        Process first = bbehr("chain", "--data-dir", data.toString());
        String rpcUrl = awaitRpcUrl(first);
        Deployment deployment = DeploymentFile.read(data.resolve("chain/deployment.json"));
        Credentials node = newKey();
        Credentials bob = newKey();
        Credentials alice = newKey();
        int hospitalId;
        try (Web3jLedger admin = ledger(rpcUrl, DevAccounts.admin(), deployment)) {
            hospitalId = admin.administer(new LedgerCall.RegisterHospital(address(node), "Synthetic Clinic", "https://c"))
                    .event(LedgerEvent.HospitalRegistered.class).hospitalId();
            ledger(rpcUrl, node, deployment).submit(new LedgerCall.AddStaff(address(bob), StaffRole.PRACTITIONER));
            ledger(rpcUrl, alice, deployment).submit(new LedgerCall.Grant(Grantee.practitioner(address(bob)),
                    Category.scopes(Category.ALLERGIES), Purpose.TREATMENT, Instant.now().plus(Duration.ofDays(7))));
        }
        Thread.sleep(2_500); // anvil saves its state every second
        // when: the whole process tree dies hard; anvil itself is left behind as an orphan
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Process second = bbehr("chain", "--data-dir", data.toString());
        String secondRpcUrl = awaitRpcUrl(second);
        // then
        assertThat(DeploymentFile.read(data.resolve("chain/deployment.json"))).isEqualTo(deployment);
        try (Web3jLedger admin = ledger(secondRpcUrl, DevAccounts.admin(), deployment)) {
            assertThat(admin.isActiveStaff(address(bob), hospitalId, StaffRole.PRACTITIONER)).isTrue();
            assertThat(admin.isAuthorized(address(alice), address(bob), Category.ALLERGIES)).isTrue();
        }
    }

    @Test
    void deployShouldPutAFreshSetOfContractsOnAnyJsonRpcChain() throws Exception {
        // given
        Process chain = bbehr("chain", "--data-dir", dir.resolve("data").toString());
        String rpcUrl = awaitRpcUrl(chain);
        Path password = Files.writeString(dir.resolve("password"), "synthetic-password");
        Path keystore = dir.resolve("deployer.json");
        assertThat(bbehr("keys", "new", "--keystore", keystore.toString(), "--password-file", password.toString())
                .waitFor()).isZero();
        Path out = dir.resolve("deployment.json");
        String[] admins = {"--admin", address(DevAccounts.account(1)).value(), "--admin",
                address(DevAccounts.account(2)).value(), "--admin", address(DevAccounts.account(7)).value()};
        // when: a single-key consortium is refused outside bbehr dev
        Process single = bbehr("deploy", "--rpc", rpcUrl, "--keystore", keystore.toString(), "--password-file",
                password.toString(), "--admin", address(DevAccounts.account(1)).value(), "--threshold", "1",
                "--out", dir.resolve("refused.json").toString());
        String refused = new String(single.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(single.waitFor()).as(refused).isNotZero();
        assertThat(refused).contains("k-of-n");
        assertThat(dir.resolve("refused.json")).doesNotExist();
        // when: three hospitals' admins, two of whom must approve, a day's delay (the defaults)
        Process deploy = bbehr(concat(new String[] {"deploy", "--rpc", rpcUrl, "--keystore", keystore.toString(),
                "--password-file", password.toString(), "--out", out.toString()}, admins));
        String printed = new String(deploy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // then
        assertThat(deploy.waitFor()).as(printed).isZero();
        Deployment deployment = DeploymentFile.read(out);
        assertThat(deployment.hasMultisig()).isTrue();
        assertThat(printed).contains(deployment.hospitalDirectory().value(), deployment.recordAnchor().value(),
                deployment.multisig().value());
        try (Web3jLedger admin = ledger(rpcUrl, DevAccounts.account(1), deployment)) {
            assertThat(admin.hospitalCount()).isZero();
            // a single admin can't schedule on the timelock: only the multisig proposes
            assertThatThrownBy(() -> admin.submit(new LedgerCall.Schedule(new LedgerCall.RegisterHospital(
                    address(DevAccounts.account(9)), "Solo Hospital (synthetic)", "https://solo.example/fhir"),
                    Bytes32.random(), 86_400)))
                    .hasFieldOrPropertyWithValue("code", ErrorCode.ADMIN_UNAUTHORIZED);
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private Process bbehr(String... args) throws Exception {
        // as the ./bbehr script runs it: the project's home tells the launcher where anvil is
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Dbbehr.home=" + System.getProperty("bbehr.home"),
                "-jar", System.getProperty("bbehr.jar")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        process.getOutputStream().close();
        started.add(process);
        return process;
    }

    private static String awaitRpcUrl(Process process) throws Exception {
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher matcher = RPC.matcher(line);
            if (matcher.find()) {
                Thread drain = new Thread(() -> reader.lines().forEach(l -> {}));
                drain.setDaemon(true);
                drain.start();
                return matcher.group(1);
            }
        }
        throw new AssertionError("bbehr chain printed no JSON-RPC URL:\n" + seen);
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static Web3jLedger ledger(String rpcUrl, Credentials key, Deployment deployment) {
        return Web3jLedger.connect(LedgerConfig.defaults(rpcUrl), key, deployment);
    }

    private static Credentials newKey() throws Exception {
        return Credentials.create(Keys.createEcKeyPair());
    }

    private static Address address(Credentials credentials) {
        return Address.of(credentials.getAddress());
    }
}
