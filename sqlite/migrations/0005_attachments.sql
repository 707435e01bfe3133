-- Files attached to posts. The contents live in the blob store, keyed by sha256; a row
-- is written only after its content is stored, in the transaction that writes its post.
-- The type was decided from the content on upload and is one of parley.AttachmentTypes.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    post_id      INTEGER NOT NULL REFERENCES posts (id),
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    lines        INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);

-- attachments_by_post serves showing a page of posts with their files, in order;
-- attachments_by_sha256 serves finding whether anything still refers to a content.
CREATE INDEX attachments_by_post   ON attachments (post_id, id);
CREATE INDEX attachments_by_sha256 ON attachments (sha256);
