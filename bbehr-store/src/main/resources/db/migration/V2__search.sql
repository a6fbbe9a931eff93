-- Search indexes: the values of the standard search parameters of current, not deleted versions, one table per kind
-- of parameter. A version's rows are replaced when it is superseded and removed when it is deleted or erased.
-- Protected values (names, birth dates, telecom, addresses) are only in search_blind, as blind-index tokens; clinical
-- values are plain, tied only to random resource ids. Each table has an index to find a resource's rows (to replace
-- them and to check one resource against a criterion) and one to search by value.

CREATE TABLE search_token (
    type   text COLLATE "C" NOT NULL,
    id     text COLLATE "C" NOT NULL,
    param  text COLLATE "C" NOT NULL,
    system text COLLATE "C" NOT NULL,  -- '' when the value has no system
    code   text COLLATE "C" NOT NULL
);
CREATE INDEX search_token_by_resource ON search_token (type, id, param);
CREATE INDEX search_token_by_code ON search_token (type, param, code, system, id);

CREATE TABLE search_blind (
    type  text COLLATE "C" NOT NULL,
    id    text COLLATE "C" NOT NULL,
    param text COLLATE "C" NOT NULL,
    token text COLLATE "C" NOT NULL
);
CREATE INDEX search_blind_by_resource ON search_blind (type, id, param);
CREATE INDEX search_blind_by_token ON search_blind (type, param, token, id);

-- Normalized strings (lower case, accents removed); the "C" collation lets LIKE 'prefix%' use the index.
CREATE TABLE search_string (
    type  text COLLATE "C" NOT NULL,
    id    text COLLATE "C" NOT NULL,
    param text COLLATE "C" NOT NULL,
    value text COLLATE "C" NOT NULL
);
CREATE INDEX search_string_by_resource ON search_string (type, id, param);
CREATE INDEX search_string_by_value ON search_string (type, param, value, id);

-- Date ranges: low inclusive, high exclusive, from the value's precision or the period.
CREATE TABLE search_date (
    type  text COLLATE "C" NOT NULL,
    id    text COLLATE "C" NOT NULL,
    param text COLLATE "C" NOT NULL,
    low   timestamptz      NOT NULL,
    high  timestamptz      NOT NULL
);
CREATE INDEX search_date_by_resource ON search_date (type, id, param);
CREATE INDEX search_date_by_low ON search_date (type, param, low, high, id);

-- Numbers and quantities: both ends inclusive; system and code are the unit's ('' for plain numbers).
CREATE TABLE search_number (
    type   text COLLATE "C" NOT NULL,
    id     text COLLATE "C" NOT NULL,
    param  text COLLATE "C" NOT NULL,
    low    numeric          NOT NULL,
    high   numeric          NOT NULL,
    system text COLLATE "C" NOT NULL,
    code   text COLLATE "C" NOT NULL
);
CREATE INDEX search_number_by_resource ON search_number (type, id, param);
CREATE INDEX search_number_by_low ON search_number (type, param, low, id);

CREATE TABLE search_uri (
    type  text COLLATE "C" NOT NULL,
    id    text COLLATE "C" NOT NULL,
    param text COLLATE "C" NOT NULL,
    uri   text COLLATE "C" NOT NULL
);
CREATE INDEX search_uri_by_resource ON search_uri (type, id, param);
CREATE INDEX search_uri_by_value ON search_uri (type, param, uri, id);

-- References: to a resource of this server (target_type/target_id) or to an absolute URL ('' when not).
CREATE TABLE search_reference (
    type        text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    param       text COLLATE "C" NOT NULL,
    target_type text COLLATE "C" NOT NULL,
    target_id   text COLLATE "C" NOT NULL,
    url         text COLLATE "C" NOT NULL
);
CREATE INDEX search_reference_by_resource ON search_reference (type, id, param);
CREATE INDEX search_reference_by_target ON search_reference (type, param, target_id, target_type, id);
CREATE INDEX search_reference_by_url ON search_reference (type, param, url) WHERE url <> '';
