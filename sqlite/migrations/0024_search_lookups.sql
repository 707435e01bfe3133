-- What a search reads of each post it finds, without reading the post. A search maps each
-- matching post to its thread, and ranks a question above a reply and leaves out hidden
-- posts; through the table each of those look-ups read a row of posts, over a kilobyte
-- of text, and a search with filters maps thousands of matches (sqlstore newestPassing).
-- The index holds a post in about twenty bytes, so the newest posts' entries stay in
-- memory. Queries name it (INDEXED BY): SQLite prefers the table for a look-up by rowid.
CREATE INDEX posts_search ON posts (id, thread_id, original, hidden_at);

-- The threads with a visible post that has files (search's has:attachment): few posts
-- have files, so a look-up per candidate thread finds its answer in a small index rather
-- than among the rows of every post of the thread.
CREATE INDEX posts_with_files ON posts (thread_id) WHERE hidden_at IS NULL AND file_count > 0;
