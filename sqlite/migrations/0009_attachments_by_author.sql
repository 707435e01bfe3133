-- attachments.author_id repeats the author of the post a file is attached to, so that what
-- an account holds against its storage quota (parley.UploadStore) is read from the
-- account's files rather than from its every post: a busy account may have written
-- hundreds of thousands of posts, and the count is taken in the write transaction that
-- records an upload. A post's author never changes. Every attachment written from now on
-- names it; SQLite adds a column that references another table only as one that may be
-- NULL, while PostgreSQL's is NOT NULL.
ALTER TABLE attachments ADD COLUMN author_id INTEGER REFERENCES users (id);
UPDATE attachments SET author_id = (SELECT author_id FROM posts WHERE posts.id = attachments.post_id);

-- attachments_by_author serves counting what an account holds: its files, each content
-- once.
CREATE INDEX attachments_by_author ON attachments (author_id, sha256);
