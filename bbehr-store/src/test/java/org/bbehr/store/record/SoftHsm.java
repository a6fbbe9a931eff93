package org.bbehr.store.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SoftHSM2 token (Debian's {@code softhsm2}), in the directory that {@code SOFTHSM2_CONF} (set by the build for
 * integration tests) names: its SunPKCS11 configuration file and its user PIN. One per JVM: the PKCS#11 library reads
 * its tokens once, when the JVM first loads it, so a token made after that is not seen (tests use keys of their own
 * labels in it).
 */
record SoftHsm(Path config, char[] pin, String label) {

    static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    private static final Pattern SLOT = Pattern.compile("reassigned to slot (\\d+)");

    private static SoftHsm shared;

    static synchronized SoftHsm token() throws Exception {
        if (shared == null) {
            shared = newToken();
        }
        return shared;
    }

    private static SoftHsm newToken() throws Exception {
        String conf = System.getenv("SOFTHSM2_CONF");
        assertThat(conf).as("SOFTHSM2_CONF, which the build sets for integration tests").isNotBlank();
        assertThat(LIBRARY).as("SoftHSM2's PKCS#11 library: install Debian's softhsm2 (.ci/run does)").exists();
        Path confFile = Path.of(conf);
        Path tokens = confFile.getParent().resolve("tokens");
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
                + "log.level = ERROR\n");
        String label = "bbehr-" + UUID.randomUUID().toString().substring(0, 8);
        String pin = "synthetic-" + UUID.randomUUID().toString().substring(0, 8);
        Process init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin,
                "--so-pin", pin + "-so").redirectErrorStream(true).start();
        String output = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(init.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(init.exitValue()).as(output).isZero();
        Matcher slot = SLOT.matcher(output);
        assertThat(slot.find()).as(output).isTrue();
        Path config = confFile.getParent().resolve(label + ".cfg");
        Files.write(config, List.of("name = " + label, "library = " + LIBRARY, "slot = " + slot.group(1)));
        return new SoftHsm(config, pin.toCharArray(), label);
    }
}
