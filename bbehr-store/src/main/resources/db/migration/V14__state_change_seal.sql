-- A state change's outbox row is sealed under the key-encryption key, as an erasure marker is: one made up in the
-- database (say with a very high state number) is never anchored, so the alarm it raises can be cleared by deleting it.
ALTER TABLE outbox ADD COLUMN seal bytea;
