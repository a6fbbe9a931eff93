package org.bbehr.app.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The passphrase of a key backup: from a file, from BBEHR_BACKUP_PASSPHRASE, or asked on the terminal. */
final class PassphraseOption {

    static final String ENVIRONMENT = "BBEHR_BACKUP_PASSPHRASE";

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "File whose first line is the backup passphrase (else env " + ENVIRONMENT
                    + ", else asked on the terminal).")
    Path file;

    char[] read(boolean confirm) {
        return SecretInput.read(file, ENVIRONMENT, "backup passphrase", "--passphrase-file", confirm);
    }
}
