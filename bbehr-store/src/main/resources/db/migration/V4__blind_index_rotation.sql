-- A blind-index key rotation under way: the Tink id of the new key whose tokens the re-index writes, and how far it
-- has come through the resources that have tokens, in (type, id) order, so that an interrupted rotation resumes there.
-- It goes up to the last such resource when the new key took over (until_*, null when there was none): resources
-- written since then have only the new key's tokens. At most one row; removed once the old key is retired. No token
-- or value is kept here.
CREATE TABLE blind_index_rotation (
    key_id     integer          PRIMARY KEY,
    after_type text COLLATE "C" NOT NULL,
    after_id   text COLLATE "C" NOT NULL,
    until_type text COLLATE "C",
    until_id   text COLLATE "C",
    done       bigint           NOT NULL,
    started_at timestamptz      NOT NULL
);
