-- What a search reads of each post it finds, without reading the post: its thread, whether
-- it is the question and whether it is hidden, read by an index-only scan (sqlite's
-- 0024_search_lookups.sql says why).
CREATE INDEX posts_search ON posts (id) INCLUDE (thread_id, original, hidden_at);

-- The threads with a visible post that has files (search's has:attachment).
CREATE INDEX posts_with_files ON posts (thread_id) WHERE hidden_at IS NULL AND file_count > 0;
