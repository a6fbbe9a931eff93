-- Each change of a resource's state that makes no new version (a legal hold set or lifted, a relabel) counts up its
-- state sequence, which its seal covers, and is anchored as a state-change leaf under that number: so a state put
-- back with the seal it had before is older than the one anchored, and $verify names it.
ALTER TABLE resources ADD COLUMN state_seq bigint NOT NULL DEFAULT 0;
