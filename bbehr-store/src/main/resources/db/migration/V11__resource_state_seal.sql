-- A resource's seal (resources.index_seal, under its data key) now covers its state too: legal hold, compartment
-- and category; a deletion's seal covers its state alone. The seals made before cover the index rows only: the next
-- start of the node makes each of them again with the state, where the old seal still holds, and seals the
-- deletions; then it deletes this row. (A seal that does not hold stays as it is, and $verify names it.)
CREATE TABLE state_sealing (
    pending boolean PRIMARY KEY CHECK (pending)
);
INSERT INTO state_sealing VALUES (true);
