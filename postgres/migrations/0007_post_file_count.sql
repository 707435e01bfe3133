-- posts.file_count says how many files a post carries, so that a page of posts looks up
-- attachments only when one of its posts has any: most posts have none, and that lookup
-- cost a thread page as much as reading its posts. Files are attached when a post is
-- written and never after.
ALTER TABLE posts ADD COLUMN file_count INTEGER NOT NULL DEFAULT 0;
UPDATE posts p SET file_count = a.n FROM (SELECT post_id, count(*) AS n FROM attachments GROUP BY post_id) a
WHERE p.id = a.post_id;
