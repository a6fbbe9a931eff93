package org.bbehr.store.postgres;

import javax.sql.DataSource;

/** A PostgreSQL database that BbEHR's store runs on, its schema migrated: embedded or external. */
public interface Database extends AutoCloseable {

    /** A pooled data source on the database. */
    DataSource dataSource();

    /** Closes the pool (and stops the server, if this process started it). */
    @Override
    void close();
}
