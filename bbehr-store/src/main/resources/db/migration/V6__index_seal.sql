-- The seal of the current version's index rows: SHA-256 over the rows (identifier tokens, references, search rows) in
-- a canonical form, encrypted under the resource's data key with the associated data index:type/id/version. $verify
-- recomputes the digest from the rows it finds, so a search or identifier row edited, added or removed in the
-- database is reported as tampering. Null for resources whose current version is a deletion or that are erased.
ALTER TABLE resources ADD COLUMN index_seal bytea;
