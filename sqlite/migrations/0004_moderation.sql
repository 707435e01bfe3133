-- Moderation: flags, hidden posts, deleted threads, suspensions and the moderation log.
-- Nothing a moderator removes is destroyed: a hidden post keeps its row with hidden_at set,
-- and a deleted thread keeps its rows while its list entries wait in parked_listings.

ALTER TABLE posts ADD COLUMN hidden_at INTEGER;
ALTER TABLE threads ADD COLUMN deleted_at INTEGER;
ALTER TABLE users ADD COLUMN suspended_until INTEGER;

-- parked_listings holds a deleted thread's list entries, pins included, so that restoring
-- it puts it back exactly where it was; thread_listings stays free of a "deleted" column
-- that every list index would have to carry.
CREATE TABLE parked_listings (
    scope            INTEGER NOT NULL,
    thread_id        INTEGER NOT NULL REFERENCES threads (id),
    created_at       INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    reply_count      INTEGER NOT NULL,
    boost_count      INTEGER NOT NULL,
    view_count       INTEGER NOT NULL,
    answered         INTEGER NOT NULL,
    staff_replied    INTEGER NOT NULL,
    pinned           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (thread_id, scope)
) WITHOUT ROWID;

CREATE TABLE flags (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts (id),
    reporter_id INTEGER NOT NULL REFERENCES users (id),
    reason      TEXT    NOT NULL CHECK (reason IN ('spam', 'off-topic', 'abusive', 'other')),
    note        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    -- resolved_at is set when a moderator dismisses the flag or acts on the post.
    resolved_at INTEGER,
    resolver_id INTEGER REFERENCES users (id),
    outcome     TEXT CHECK (outcome IN ('dismissed', 'acted'))
);

-- One open flag per reader and post; a reader may flag again after a moderator decided.
CREATE UNIQUE INDEX flags_open_once ON flags (post_id, reporter_id) WHERE resolved_at IS NULL;
CREATE INDEX flags_open ON flags (created_at) WHERE resolved_at IS NULL;

CREATE TABLE moderation_log (
    id          INTEGER PRIMARY KEY,
    actor_id    INTEGER NOT NULL REFERENCES users (id),
    action      TEXT    NOT NULL,
    target_kind TEXT    NOT NULL,
    target_id   INTEGER NOT NULL,
    target      TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
