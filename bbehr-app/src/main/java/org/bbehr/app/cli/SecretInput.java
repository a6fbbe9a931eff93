package org.bbehr.app.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/** Reads a secret from a file's first line, else an environment variable, else the terminal. */
final class SecretInput {

    private SecretInput() {}

    /**
     * @param what the secret's name for prompts and errors, e.g. "keystore password"
     * @param confirm ask twice on the terminal
     */
    static char[] read(Path file, String environment, String what, String fileOption, boolean confirm) {
        if (file != null) {
            try {
                return requireNonEmpty(Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("")
                        .toCharArray(), what);
            } catch (IOException e) {
                throw new BbehrException(ErrorCode.PASSWORD_MISSING, "cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        String fromEnvironment = System.getenv(environment);
        if (fromEnvironment != null) {
            return requireNonEmpty(fromEnvironment.toCharArray(), what);
        }
        Console console = System.console();
        if (console == null) {
            throw new BbehrException(ErrorCode.PASSWORD_MISSING, "no " + what + ": give " + fileOption + " or set "
                    + environment);
        }
        char[] secret = requireNonEmpty(console.readPassword(capitalized(what) + ": "), what);
        if (confirm && !Arrays.equals(secret, console.readPassword("Repeat the " + what + ": "))) {
            throw new BbehrException(ErrorCode.PASSWORD_MISSING, "the two entries of the " + what + " differ");
        }
        return secret;
    }

    private static char[] requireNonEmpty(char[] secret, String what) {
        if (secret == null || secret.length == 0) {
            throw new BbehrException(ErrorCode.PASSWORD_MISSING, "the " + what + " is empty");
        }
        return secret;
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
