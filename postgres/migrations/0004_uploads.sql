-- Files stored for forms before a post carries them (parley.UploadStore): one row per
-- account and content, dated by its latest upload. An account's rows of the last day count
-- against its upload budget; a content whose rows are all a day old, and which no
-- attachment names, is deleted from the blob store with its rows.
CREATE TABLE uploads (
    user_id    BIGINT NOT NULL REFERENCES users (id),
    sha256     TEXT   NOT NULL,
    size       BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, sha256)
);

-- uploads_by_sha256 serves the sweep, which looks for contents whose latest row is old,
-- and posting, which checks that each file's content is still held.
CREATE INDEX uploads_by_sha256 ON uploads (sha256, created_at);
