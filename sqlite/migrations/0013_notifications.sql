-- Watching and notifications (parley.NotificationStore).
--
-- watches: what each member watches or mutes; a mute wins over any watch. watches_by_target
-- serves fanning out: everyone following one thread, tag, subtopic or member.
CREATE TABLE watches (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('thread', 'tag', 'subtopic', 'user')),
    target_id  INTEGER NOT NULL,
    level      TEXT    NOT NULL CHECK (level IN ('watch', 'mute')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind, target_id)
);
CREATE INDEX watches_by_target ON watches (kind, target_id, level, user_id);

-- notification_settings: a member's choices; no row means the defaults.
CREATE TABLE notification_settings (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id),
    watch_own INTEGER NOT NULL DEFAULT 1
);

-- notification_jobs: one row per write that concerns watchers, written in that write's
-- transaction and deleted by the fan-out that turns it into notifications. mentions holds
-- the handles the post names, space-separated; detail a moderator's action. A job for
-- many watchers is done in batches, in order of user id: done_through is the last told.
CREATE TABLE notification_jobs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    actor_id   INTEGER NOT NULL,
    thread_id  INTEGER NOT NULL,
    post_id    INTEGER NOT NULL,
    mentions   TEXT    NOT NULL DEFAULT '',
    detail     TEXT    NOT NULL DEFAULT '',
    done_through INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- notifications: what each member is told, with what an email needs: emailed_at stays NULL
-- until one is sent. actors counts the boosters of a grouped boost. actor_id 0 is staff
-- acting as the forum. The rows are written only by the fan-out, from users, threads and
-- posts it has just read, none of which is ever deleted: they carry no foreign keys, whose
-- checks cost more than the rest of a fan-out's inserts together.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    actor_id   INTEGER NOT NULL,
    actors     INTEGER NOT NULL DEFAULT 1,
    thread_id  INTEGER NOT NULL,
    post_id    INTEGER NOT NULL,
    detail     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    emailed_at INTEGER
);
CREATE INDEX notifications_by_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
-- notifications_by_post finds what a member was told of one post.
CREATE INDEX notifications_by_post ON notifications (post_id, user_id);
-- One unread boost notification per post: later boosts add to it.
CREATE UNIQUE INDEX notifications_boost_group ON notifications (user_id, post_id) WHERE kind = 'boost' AND read_at IS NULL;
-- A post mentions a member once, however often it is edited.
CREATE UNIQUE INDEX notifications_mention_once ON notifications (user_id, post_id) WHERE kind = 'mention';
