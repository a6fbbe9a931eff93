package org.bbehr.app.node;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/** A BbEHR hospital node: the FHIR server, its store and its chain client, composed by Spring Boot. */
@SpringBootApplication(exclude = {
    // the record store owns its database, pool and migrations
    org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration.class,
    org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration.class,
    org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration.class})
@EnableConfigurationProperties(NodeProperties.class)
public class NodeApplication {

    /** Starts a node with the given Spring properties (command-line style: {@code --name=value}). */
    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication application = new SpringApplication(NodeApplication.class);
        application.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
        return application.run(args);
    }

    /** Starts a node and returns only when it has been stopped (SIGTERM, Ctrl-C). */
    public static void runUntilStopped(String... args) {
        awaitClose(start(args));
    }

    /** Returns when the node has been stopped. */
    public static void awaitClose(ConfigurableApplicationContext context) {
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        if (!context.isActive()) {
            return;
        }
        context.addApplicationListener(event -> {
            if (event instanceof org.springframework.context.event.ContextClosedEvent) {
                closed.countDown();
            }
        });
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
