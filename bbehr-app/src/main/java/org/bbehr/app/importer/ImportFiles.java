package org.bbehr.app.importer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/**
 * The files of an import, in the order they must be sent: Synthea's hospital information Bundles (organizations and
 * locations), then its practitioner information Bundles, then everything else (patients), since patients' Bundles
 * refer to the others by identifier. Every file under a folder counts: those that are not JSON or XML are listed as
 * left out, never ignored without a word.
 */
record ImportFiles(List<Path> information, List<Path> bundles, List<Path> notBundles) {

    static final String HOSPITALS = "hospitalInformation";
    static final String PRACTITIONERS = "practitionerInformation";

    /** The files of {@code path}: one file, or every file under a folder. */
    static ImportFiles of(Path path) {
        if (Files.isRegularFile(path)) {
            return sorted(List.of(path));
        }
        if (!Files.isDirectory(path)) {
            throw new BbehrException(ErrorCode.IMPORT_PATH_INVALID, "no such file or folder: " + path);
        }
        try (Stream<Path> walk = Files.walk(path)) {
            ImportFiles files = sorted(walk.filter(Files::isRegularFile).toList());
            if (files.information().isEmpty() && files.bundles().isEmpty()) {
                throw new BbehrException(ErrorCode.IMPORT_PATH_INVALID,
                        "no FHIR Bundle files (.json or .xml) under " + path);
            }
            return files;
        } catch (IOException | UncheckedIOException e) {
            throw new BbehrException(ErrorCode.IMPORT_PATH_INVALID, "cannot read " + path + ": " + e.getMessage());
        }
    }

    private static ImportFiles sorted(List<Path> files) {
        List<Path> information = new ArrayList<>();
        List<Path> bundles = new ArrayList<>();
        List<Path> notBundles = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (!isJson(file) && !isXml(file)) {
                notBundles.add(file);
            } else if (name.startsWith(HOSPITALS) || name.startsWith(PRACTITIONERS)) {
                information.add(file);
            } else {
                bundles.add(file);
            }
        }
        information.sort(Comparator.comparing((Path f) -> f.getFileName().toString().startsWith(HOSPITALS) ? 0 : 1)
                .thenComparing(Path::toString));
        // largest first, so that parallel senders do not end waiting on one big Bundle
        bundles.sort(Comparator.comparingLong(ImportFiles::size).reversed().thenComparing(Path::toString));
        notBundles.sort(Comparator.naturalOrder());
        return new ImportFiles(List.copyOf(information), List.copyOf(bundles), List.copyOf(notBundles));
    }

    long totalBytes() {
        return Stream.concat(information.stream(), bundles.stream()).mapToLong(ImportFiles::size).sum();
    }

    static boolean isJson(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
    }

    static boolean isXml(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".xml");
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
