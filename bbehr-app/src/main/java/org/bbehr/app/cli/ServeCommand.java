package org.bbehr.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bbehr.app.node.NodeApplication;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bbehr serve}: runs a hospital node from configuration. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run a hospital node (FHIR R4 at /fhir) from configuration: a config file, settings on the "
                + "command line (--bbehr.store.mode=external …) and BBEHR_* environment variables. See docs/serve.md.")
final class ServeCommand implements Runnable {

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML or properties file of node settings.")
    Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "The HTTP port (default 8080).")
    Integer port;

    @Option(names = "--management-port", paramLabel = "PORT",
            description = "The management port on 127.0.0.1: health details, metrics, blind-index rotation"
                    + " (default 9080; 0 for a free one).")
    Integer managementPort;

    /** Any node setting, e.g. {@code --bbehr.store.mode=embedded} (see docs/serve.md). */
    @picocli.CommandLine.Unmatched
    List<String> settings = new ArrayList<>();

    @Override
    public void run() {
        List<String> args = new ArrayList<>();
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new BbehrException(ErrorCode.INVALID_INPUT, "no config file at " + config);
            }
            args.add("--spring.config.import=file:" + config.toAbsolutePath());
        }
        if (port != null) {
            args.add("--server.port=" + port);
        }
        if (managementPort != null) {
            args.add("--management.server.port=" + managementPort);
        }
        for (String setting : settings) {
            if (!setting.startsWith("--") || !setting.contains("=")) {
                throw new BbehrException(ErrorCode.INVALID_INPUT, "not a setting of the form --name=value: " + setting);
            }
            args.add(setting);
        }
        NodeApplication.runUntilStopped(args.toArray(String[]::new));
    }
}
