-- The forum's structure, people and content. Times are Unix milliseconds (UTC): integers
-- compare and index faster than text and are the sort keys the lists page by.

CREATE TABLE topics (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE subtopics (
    id           INTEGER PRIMARY KEY,
    topic_id     INTEGER NOT NULL REFERENCES topics (id),
    slug         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    thread_count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (topic_id, slug)
);

CREATE TABLE tags (
    id           INTEGER PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    thread_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    handle         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name   TEXT    NOT NULL,
    email          TEXT    UNIQUE COLLATE NOCASE,
    password_hash  TEXT,
    role           TEXT    NOT NULL DEFAULT 'member'
                           CHECK (role IN ('member', 'moderator', 'staff', 'admin')),
    badge          TEXT    NOT NULL DEFAULT '',
    signature      TEXT    NOT NULL DEFAULT '',
    signature_html TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    thread_count   INTEGER NOT NULL DEFAULT 0,
    post_count     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE threads (
    id               INTEGER PRIMARY KEY,
    title            TEXT    NOT NULL,
    subtopic_id      INTEGER NOT NULL REFERENCES subtopics (id),
    topic_id         INTEGER NOT NULL REFERENCES topics (id),
    author_id        INTEGER NOT NULL REFERENCES users (id),
    -- tag_ids repeats thread_tags as space-separated ids, so a list page needs no join to
    -- show each thread's tags.
    tag_ids          TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    reply_count      INTEGER NOT NULL DEFAULT 0,
    boost_count      INTEGER NOT NULL DEFAULT 0,
    view_count       INTEGER NOT NULL DEFAULT 0,
    pinned           INTEGER NOT NULL DEFAULT 0,
    locked           INTEGER NOT NULL DEFAULT 0,
    accepted_post_id INTEGER,
    staff_replied    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE thread_tags (
    thread_id INTEGER NOT NULL REFERENCES threads (id),
    tag_id    INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (thread_id, tag_id)
) WITHOUT ROWID;

-- thread_listings holds one row per list a thread appears in (the whole forum, its topic,
-- its subtopic, each of its tags), keyed by parley.Scope.Key, with copies of every sort
-- key and filter flag. Each list page is then one range of one index, whatever the list,
-- sort or depth. Pinning is per list.
CREATE TABLE thread_listings (
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
    PRIMARY KEY (scope, thread_id)
) WITHOUT ROWID;

CREATE INDEX listings_by_activity ON thread_listings (scope, last_activity_at, thread_id, pinned, answered, staff_replied);
CREATE INDEX listings_by_created  ON thread_listings (scope, created_at, thread_id, pinned, answered, staff_replied);
CREATE INDEX listings_by_replies  ON thread_listings (scope, reply_count, thread_id, pinned, answered, staff_replied);
CREATE INDEX listings_by_boosts   ON thread_listings (scope, boost_count, thread_id, pinned, answered, staff_replied);
CREATE INDEX listings_by_views    ON thread_listings (scope, view_count, thread_id, pinned, answered, staff_replied);
CREATE INDEX listings_pinned      ON thread_listings (scope, last_activity_at) WHERE pinned = 1;
CREATE INDEX listings_by_thread   ON thread_listings (thread_id);

CREATE TABLE posts (
    id                INTEGER PRIMARY KEY,
    thread_id         INTEGER NOT NULL REFERENCES threads (id),
    author_id         INTEGER NOT NULL REFERENCES users (id),
    original          INTEGER NOT NULL DEFAULT 0,
    body              TEXT    NOT NULL,
    html              TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    -- The current version's number, editor, time and summary; earlier versions are in
    -- revisions. A post never edited is revision 1 with no editor.
    revision          INTEGER NOT NULL DEFAULT 1,
    editor_id         INTEGER REFERENCES users (id),
    edited_at         INTEGER,
    edit_summary      TEXT    NOT NULL DEFAULT '',
    boost_count       INTEGER NOT NULL DEFAULT 0,
    staff_recommended INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX posts_by_thread ON posts (thread_id, id);
CREATE INDEX posts_by_author ON posts (author_id, created_at, id);

-- revisions keeps every earlier version of a post, written by the software on each edit.
CREATE TABLE revisions (
    post_id    INTEGER NOT NULL REFERENCES posts (id),
    number     INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    editor_id  INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    summary    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (post_id, number)
) WITHOUT ROWID;

CREATE TABLE boosts (
    post_id    INTEGER NOT NULL REFERENCES posts (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
) WITHOUT ROWID;

CREATE INDEX boosts_by_user ON boosts (user_id);
