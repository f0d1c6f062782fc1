-- The outbox: replies to stored steps of a practice that have not been posted yet.
-- A row is written in the same transaction as the turn (or the ending) it answers and
-- deleted once every message of the reply is posted; the bot posts what is left when it
-- (re)connects, so a crash between storing a turn and posting its reply loses nothing.
-- `body` is what to show (the front end's JSON), `nonce` the key that makes posting it
-- twice harmless, `parts_sent` how many of the reply's messages are already out, and
-- `seq` the order of a session's replies. Existing databases start with an empty outbox.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    channel_id TEXT NOT NULL,
    body TEXT NOT NULL,
    nonce TEXT NOT NULL,
    parts_sent BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (session_id, seq)
);

-- Replies too old to be worth posting are dropped by age.
CREATE INDEX outbox_by_age ON outbox (created_at);
