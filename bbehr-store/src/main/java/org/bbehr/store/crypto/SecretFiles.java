package org.bbehr.store.crypto;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/** Files that hold secrets: readable by their owner only, replaced atomically and durably. */
public final class SecretFiles {

    private SecretFiles() {}

    /** Creates {@code dir} (owner-only) if it is missing. */
    public static void createDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.DATA_DIR_INVALID, "cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code text} to {@code file} (mode 600) through a temporary file, so a crash leaves the old or new file. */
    public static void write(Path file, String text) {
        Path dir = file.toAbsolutePath().getParent();
        createDirectory(dir);
        try {
            Path temporary = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(StandardCharsets.UTF_8.encode(text));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.KEYS_NOT_WRITABLE, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.KEYS_MISSING, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
