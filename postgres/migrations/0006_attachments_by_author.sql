-- attachments.author_id repeats the author of the post a file is attached to, so that what
-- an account holds against its storage quota (parley.UploadStore) is read from the
-- account's files rather than from its every post: a busy account may have written
-- hundreds of thousands of posts, and the count is taken in the write transaction that
-- records an upload. A post's author never changes.
ALTER TABLE attachments ADD COLUMN author_id BIGINT REFERENCES users (id);
UPDATE attachments a SET author_id = p.author_id FROM posts p WHERE p.id = a.post_id;
ALTER TABLE attachments ALTER COLUMN author_id SET NOT NULL;

-- attachments_by_author serves counting what an account holds: its files, each content
-- once.
CREATE INDEX attachments_by_author ON attachments (author_id, sha256);
