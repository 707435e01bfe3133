-- posts.file_count says how many files a post carries, so that a page of posts looks up
-- attachments only when one of its posts has any: most posts have none, and that lookup
-- cost a thread page as much as reading its posts. Files are attached when a post is
-- written and never after.
ALTER TABLE posts ADD COLUMN file_count INTEGER NOT NULL DEFAULT 0;
UPDATE posts SET file_count = (SELECT count(*) FROM attachments WHERE attachments.post_id = posts.id)
WHERE id IN (SELECT post_id FROM attachments);
