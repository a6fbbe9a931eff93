-- Contracts v2: a leaf carries its kind (0 record version, 1 erasure marker, 2 state change, 3 audit entry,
-- 4 exchange receipt; the contract's LeafKind) and one batch carries leaves of any kinds, so a batch no longer has a
-- kind of its own. Erasure markers were kind 2 under the v1 contracts.
UPDATE outbox SET kind = 1 WHERE kind = 2;
UPDATE anchor_leaves SET kind = 1 WHERE kind = 2;
ALTER TABLE anchor_batches DROP COLUMN kind;
DROP INDEX outbox_by_kind;

-- The batch's manifest: each leaf's place in the tree (with its kind, resource and version, above), and the random
-- padding leaf that gives a batch a root of its own when the hospital anchored the same root before.
ALTER TABLE anchor_leaves ADD COLUMN position integer;
ALTER TABLE anchor_batches ADD COLUMN padding bytea;

-- A root is unique per hospital on chain, and so here.
ALTER TABLE anchor_batches DROP CONSTRAINT anchor_batches_root_key;
ALTER TABLE anchor_batches ADD CONSTRAINT anchor_batches_hospital_root_key UNIQUE (hospital_id, root);

-- A batch whose leaves (its manifest) do not make its root, so its rows were changed: the anchorer never anchors it
-- and goes on with the next; $verify names its versions.
ALTER TABLE anchor_batches ADD COLUMN refused_at timestamptz;
DROP INDEX anchor_batches_unconfirmed;
CREATE INDEX anchor_batches_unconfirmed ON anchor_batches (id) WHERE NOT anchored AND refused_at IS NULL;
