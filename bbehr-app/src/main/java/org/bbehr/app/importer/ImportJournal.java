package org.bbehr.app.importer;

import java.nio.file.Path;

/**
 * What an import has done so far, file by file, kept by whoever must be able to resume it after an interruption:
 * a resumed import sends again only the files not loaded before, and never loads a patient twice.
 */
public interface ImportJournal {

    /** What is known of a file. */
    enum State {
        /** Loaded: its answer was recorded. */
        LOADED,
        /** Sent, but the import stopped before its answer was recorded: it may or may not be loaded. */
        IN_DOUBT,
        /** Never sent. */
        NOT_SENT
    }

    /** An import that is not resumable: every file is sent. */
    ImportJournal NONE = new ImportJournal() {
        @Override
        public State state(Path file) {
            return State.NOT_SENT;
        }

        @Override
        public void sending(Path file) {}

        @Override
        public void loaded(Path file, int resources, int patients) {}
    };

    State state(Path file);

    /** Records, durably, that {@code file} is about to be sent. */
    void sending(Path file);

    /** Records, durably, that {@code file} is loaded, with its number of resources and patients. */
    void loaded(Path file, int resources, int patients);
}
