package org.bbehr.app.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.ledger.Deployment;
import org.bbehr.core.ledger.EventFeed;
import org.bbehr.core.ledger.LedgerMirror;
import org.bbehr.core.memory.InMemoryEventCursor;
import org.bbehr.ledger.DeploymentFile;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.NodeKeystore;
import org.bbehr.ledger.Web3jLedger;
import org.bbehr.ledger.devchain.DevAccounts;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.web3j.crypto.Credentials;

/** The node's chain client, when a chain is configured, and its health for readiness. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${bbehr.chain.rpc-url:}'.isEmpty()")
class ChainConfiguration {

    @Bean(destroyMethod = "close")
    Web3jLedger ledger(NodeProperties properties) {
        NodeProperties.Chain chain = properties.chain();
        if (chain.deploymentFile() == null) {
            throw new BbehrException(ErrorCode.DEPLOYMENT_INVALID, "bbehr.chain.deployment-file is not set");
        }
        LedgerConfig config = LedgerConfig.defaults(chain.rpcUrl()).withConfirmations(chain.confirmations())
                .withCaFile(chain.caFile());
        Deployment deployment = DeploymentFile.read(chain.deploymentFile());
        return Web3jLedger.connect(config, signer(chain, deployment), deployment);
    }

    /**
     * The directory and the consents, mirrored from the contracts' events so that a look-up costs no call to the
     * chain; built from the deployment block at start and kept current every second.
     */
    @Bean
    LedgerMirror ledgerMirror() {
        return new LedgerMirror(Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    AutoCloseable ledgerMirrorFollower(LedgerMirror mirror, Web3jLedger ledger, NodeProperties properties) {
        EventFeed feed = new EventFeed(ledger, new InMemoryEventCursor(), properties.chain().confirmations(), 5_000);
        return mirror.follow(feed, Duration.ofSeconds(1));
    }

    /** The chain's health, asked of the chain itself (not the mirror, which may lag by a second). */
    @Bean
    HealthIndicator chain(Web3jLedger ledger, LedgerMirror mirror) {
        return () -> {
            try {
                long block = ledger.blockNumber();
                var hospital = ledger.findHospitalOfNode(ledger.signer());
                Health.Builder health = hospital.isPresent() && ledger.isActiveHospital(hospital.getAsInt())
                        ? Health.up() : Health.outOfService().withDetail("reason",
                                "this node's address is not an active hospital's node in the directory");
                hospital.ifPresent(id -> health.withDetail("hospitalId", id));
                return health.withDetail("block", block).withDetail("node", ledger.signer().value())
                        .withDetail("mirroredToBlock", mirror.lastBlock()).build();
            } catch (BbehrException e) {
                return Health.down().withDetail("error", e.describe()).build();
            }
        };
    }

    private static Credentials signer(NodeProperties.Chain chain, Deployment deployment) {
        if (chain.devAccount() != null) {
            return DevAccounts.forDevChainOnly(chain.devAccount(), deployment);
        }
        if (chain.keystore() == null) {
            throw new BbehrException(ErrorCode.KEYSTORE_NOT_FOUND, "bbehr.chain.keystore is not set");
        }
        return NodeKeystore.unlock(chain.keystore(), password(chain));
    }

    private static char[] password(NodeProperties.Chain chain) {
        if (chain.keystorePasswordFile() != null) {
            try {
                return Files.readString(chain.keystorePasswordFile(), StandardCharsets.UTF_8).lines().findFirst()
                        .orElse("").toCharArray();
            } catch (IOException e) {
                throw new BbehrException(ErrorCode.PASSWORD_MISSING, "cannot read "
                        + chain.keystorePasswordFile() + ": " + e.getMessage(), e);
            }
        }
        String fromEnvironment = System.getenv("BBEHR_KEYSTORE_PASSWORD");
        if (fromEnvironment == null || fromEnvironment.isEmpty()) {
            throw new BbehrException(ErrorCode.PASSWORD_MISSING, "no keystore password: set BBEHR_KEYSTORE_PASSWORD "
                    + "or bbehr.chain.keystore-password-file");
        }
        return fromEnvironment.toCharArray();
    }
}
