package org.bbehr.app.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import picocli.CommandLine.Option;

/** A keystore password: from a file, from BBEHR_KEYSTORE_PASSWORD, or asked on the terminal. */
final class PasswordOption {

    static final String ENVIRONMENT = "BBEHR_KEYSTORE_PASSWORD";

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the keystore password (else env " + ENVIRONMENT
                    + ", else asked on the terminal).")
    Path passwordFile;

    char[] read(boolean confirm) {
        if (passwordFile != null) {
            try {
                String content = Files.readString(passwordFile, StandardCharsets.UTF_8);
                String firstLine = content.lines().findFirst().orElse("");
                return requireNonEmpty(firstLine.toCharArray());
            } catch (IOException e) {
                throw new BbehrException(ErrorCode.PASSWORD_MISSING, "cannot read the password file "
                        + passwordFile + ": " + e.getMessage(), e);
            }
        }
        String fromEnvironment = System.getenv(ENVIRONMENT);
        if (fromEnvironment != null) {
            return requireNonEmpty(fromEnvironment.toCharArray());
        }
        Console console = System.console();
        if (console == null) {
            throw new BbehrException(ErrorCode.PASSWORD_MISSING, "no keystore password: give --password-file or set "
                    + ENVIRONMENT);
        }
        char[] password = requireNonEmpty(console.readPassword("Keystore password: "));
        if (confirm && !Arrays.equals(password, console.readPassword("Repeat the password: "))) {
            throw new BbehrException(ErrorCode.PASSWORD_MISSING, "the two passwords differ");
        }
        return password;
    }

    private static char[] requireNonEmpty(char[] password) {
        if (password == null || password.length == 0) {
            throw new BbehrException(ErrorCode.PASSWORD_MISSING, "the keystore password is empty");
        }
        return password;
    }
}
