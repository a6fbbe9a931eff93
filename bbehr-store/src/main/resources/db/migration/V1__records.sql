-- The record store. Content is encrypted (see docs/keys.md); identifiers appear only as blind-index tokens.
-- Types, ids and tokens use the "C" collation: byte order, as Java sorts them, and faster to compare.

-- One row per resource: its current state.
CREATE TABLE resources (
    type            text COLLATE "C" NOT NULL,
    id              text COLLATE "C" NOT NULL,
    current_version bigint           NOT NULL,
    deleted         boolean          NOT NULL,
    legal_hold      boolean          NOT NULL DEFAULT false,
    erased          boolean          NOT NULL DEFAULT false,
    last_updated    timestamptz      NOT NULL,
    PRIMARY KEY (type, id)
);

-- Every version, encrypted under its resource's data key with associated data type/id/version.
CREATE TABLE versions (
    type         text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    version      bigint           NOT NULL,
    last_updated timestamptz      NOT NULL,
    deleted      boolean          NOT NULL,
    ciphertext   bytea            NOT NULL,
    PRIMARY KEY (type, id, version)
);
CREATE INDEX versions_by_type_and_time ON versions (type, last_updated DESC, version DESC);
CREATE INDEX versions_by_time ON versions (last_updated DESC, version DESC);

-- Each resource's data key, wrapped by the key-encryption key whose Tink key id is kek_id. Erasure deletes the row.
CREATE TABLE data_keys (
    type    text COLLATE "C" NOT NULL,
    id      text COLLATE "C" NOT NULL,
    kek_id  integer          NOT NULL,
    wrapped bytea            NOT NULL,
    PRIMARY KEY (type, id)
);
CREATE INDEX data_keys_by_kek ON data_keys (kek_id);

-- Blind-index tokens of the identifiers of current, not deleted versions.
CREATE TABLE identifier_tokens (
    type  text COLLATE "C" NOT NULL,
    id    text COLLATE "C" NOT NULL,
    token text COLLATE "C" NOT NULL,
    PRIMARY KEY (type, id, token)
);
CREATE INDEX identifier_tokens_by_token ON identifier_tokens (type, token);

-- References made by current, not deleted versions.
CREATE TABLE resource_references (
    source_type text COLLATE "C" NOT NULL,
    source_id   text COLLATE "C" NOT NULL,
    target_type text COLLATE "C" NOT NULL,
    target_id   text COLLATE "C" NOT NULL,
    PRIMARY KEY (source_type, source_id, target_type, target_id)
);
CREATE INDEX resource_references_by_target ON resource_references (target_type, target_id);

-- One row per written version, in the transaction that wrote it, for the anchorer to take.
CREATE TABLE outbox (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type       text COLLATE "C" NOT NULL,
    id         text COLLATE "C" NOT NULL,
    version    bigint           NOT NULL,
    created_at timestamptz      NOT NULL
);

-- Every erasure: who erased what, when and why.
CREATE TABLE erasures (
    seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type      text COLLATE "C" NOT NULL,
    id        text COLLATE "C" NOT NULL,
    reason    text             NOT NULL,
    actor     text             NOT NULL,
    erased_at timestamptz      NOT NULL
);

-- Checks that the node's keys belong to this database (see KeyCheck).
CREATE TABLE key_check (
    name  text PRIMARY KEY,
    value text NOT NULL
);
