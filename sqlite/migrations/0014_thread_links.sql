-- thread_links holds the links between threads: a thread is a duplicate of its target, or
-- related to it. A thread page lists its links in both directions, so they are read by
-- either end; a pair has one link, and a duplicate mark replaces a related link.
CREATE TABLE thread_links (
    thread_id INTEGER NOT NULL REFERENCES threads (id),
    target_id INTEGER NOT NULL REFERENCES threads (id),
    kind      TEXT    NOT NULL CHECK (kind IN ('related', 'duplicate')),
    PRIMARY KEY (thread_id, target_id),
    CHECK (thread_id <> target_id)
) WITHOUT ROWID;

CREATE INDEX thread_links_by_target ON thread_links (target_id, thread_id);
