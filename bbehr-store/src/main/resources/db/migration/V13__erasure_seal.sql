-- Each erasure's marker is sealed under the key-encryption key (kept outside the database), so a marker made up in
-- the database (with its outbox row, to make a deletion look lawful) is never anchored and $verify names it. Markers
-- made before are sealed once by the next start of the node (this row says so), as they are then.
ALTER TABLE erasures ADD COLUMN seal bytea;
CREATE TABLE erasure_sealing (
    pending boolean PRIMARY KEY CHECK (pending)
);
INSERT INTO erasure_sealing VALUES (true);
