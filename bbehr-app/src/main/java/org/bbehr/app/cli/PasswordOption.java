package org.bbehr.app.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A keystore password: from a file, from BBEHR_KEYSTORE_PASSWORD, or asked on the terminal. */
final class PasswordOption {

    static final String ENVIRONMENT = "BBEHR_KEYSTORE_PASSWORD";

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the keystore password (else env " + ENVIRONMENT
                    + ", else asked on the terminal).")
    Path passwordFile;

    char[] read(boolean confirm) {
        return SecretInput.read(passwordFile, ENVIRONMENT, "keystore password", "--password-file", confirm);
    }
}
