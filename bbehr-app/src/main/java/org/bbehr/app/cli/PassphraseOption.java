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

/** The passphrase of a key backup: from a file, from BBEHR_BACKUP_PASSPHRASE, or asked on the terminal. */
final class PassphraseOption {

    static final String ENVIRONMENT = "BBEHR_BACKUP_PASSPHRASE";

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "File whose first line is the backup passphrase (else env " + ENVIRONMENT
                    + ", else asked on the terminal).")
    Path file;

    char[] read(boolean confirm) {
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").toCharArray();
            } catch (IOException e) {
                throw new BbehrException(ErrorCode.PASSWORD_MISSING, "cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        String fromEnvironment = System.getenv(ENVIRONMENT);
        if (fromEnvironment != null) {
            return fromEnvironment.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new BbehrException(ErrorCode.PASSWORD_MISSING, "no backup passphrase: give --passphrase-file or set "
                    + ENVIRONMENT);
        }
        char[] passphrase = console.readPassword("Backup passphrase: ");
        if (confirm && !Arrays.equals(passphrase, console.readPassword("Repeat the passphrase: "))) {
            throw new BbehrException(ErrorCode.PASSWORD_MISSING, "the two passphrases differ");
        }
        return passphrase;
    }
}
