-- Anchoring: every version's content hash waits in the outbox until the anchorer puts it in a batch, whose Merkle
-- root it anchors on chain. Content hashes are salted (keccak256(salt ‖ bytes), the salt encrypted with the version),
-- so nothing here reveals a record.

-- kind: 0 a record version, 2 an erasure marker (version = the last version erased); the contract's AnchorKind.
ALTER TABLE outbox ADD COLUMN kind smallint NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN content_hash bytea;
CREATE INDEX outbox_by_kind ON outbox (kind, seq);
CREATE INDEX outbox_by_version ON outbox (type, id, version);

-- A batch, persisted with its signed transaction before that is sent; anchored once the chain has its root.
CREATE TABLE anchor_batches (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         smallint    NOT NULL,
    hospital_id  integer     NOT NULL,
    root         bytea       NOT NULL UNIQUE,
    leaf_count   integer     NOT NULL,
    tx_hash      bytea       NOT NULL,
    tx_raw       bytea       NOT NULL,
    tx_from      text        NOT NULL,
    tx_nonce     bigint      NOT NULL,
    tx_gas_limit bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    anchored     boolean     NOT NULL DEFAULT false,
    anchored_tx  bytea,
    block        bigint,
    anchored_at  timestamptz
);
CREATE INDEX anchor_batches_unconfirmed ON anchor_batches (id) WHERE NOT anchored;
CREATE INDEX anchor_batches_by_anchor_time ON anchor_batches (anchored_at DESC) WHERE anchored;

-- Each leaf of a batch: the version (or erasure marker) it stands for, its content hash and its Merkle proof
-- (the sibling hashes from leaf to root, 32 bytes each).
CREATE TABLE anchor_leaves (
    kind         smallint         NOT NULL,
    type         text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    version      bigint           NOT NULL,
    batch_id     bigint           NOT NULL REFERENCES anchor_batches (id),
    content_hash bytea            NOT NULL,
    proof        bytea            NOT NULL,
    PRIMARY KEY (kind, type, id, version)
);
CREATE INDEX anchor_leaves_by_batch ON anchor_leaves (batch_id);

-- An erasure's marker: the versions it covers and the salt of its hash (see ErasureMarker).
ALTER TABLE erasures ADD COLUMN versions bigint;
ALTER TABLE erasures ADD COLUMN salt bytea;
