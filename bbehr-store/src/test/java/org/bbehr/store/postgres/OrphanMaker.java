package org.bbehr.store.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.record.PostgresRecordStore;

/**
 * Run in a child JVM by {@link PostgresServerIT}: starts the embedded server on the data directory given, writes one
 * record, says READY and waits to be killed with -9, which leaves its postgres running.
 */
public final class OrphanMaker {

    static final ResourceKey WRITTEN = new ResourceKey("Patient", "written-before-the-kill");
    static final String CONTENT = "{\"resourceType\":\"Patient\",\"id\":\"written-before-the-kill\"}";

    private OrphanMaker() {}

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(args[0]);
        PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir));
        PostgresRecordStore.open(server.dataSource(), NodeKeys.loadOrCreate(dataDir), Clock.systemUTC())
                .write(List.of(new ResourceWrite.Put(WRITTEN, OptionalLong.empty(), CONTENT.getBytes(UTF_8),
                        IndexEntries.NONE)));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
