-- Where each follower of the contracts' events stands: the next block it reads, saved after it has taken the events
-- before it (delivery is at least once).
CREATE TABLE event_cursors (
    feed       text PRIMARY KEY,
    next_block bigint NOT NULL CHECK (next_block >= 0)
);
