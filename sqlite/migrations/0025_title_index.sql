-- The titles apart from the posts, a row per thread whose question is in post_fts, its rowid
-- the question's id, holding the title's terms as post_fts holds them (the same tokenizer).
-- A search matching more posts than it ranks also ranks the newest threads titled with its
-- words (sqlstore rankedHits), and the composer's similar threads read titles alone: asked
-- of post_fts's title column, both read every matching post's entry to find the few whose
-- title matches, where this index holds a fifth of the entries and only titles.
--
-- search_title is the title's terms as package search cuts them (sqlite/fulltext.go), so
-- that a forum upgraded to this version finds its titles at once.

CREATE VIRTUAL TABLE title_fts USING fts5 (
    title,
    content = '',
    contentless_delete = 1,
    tokenize = "porter unicode61 remove_diacritics 0 tokenchars '_.-' categories 'L* N* Co M*'"
);

INSERT INTO title_fts (rowid, title)
    SELECT p.id, search_title(t.title) FROM posts p INDEXED BY posts_search JOIN threads t ON t.id = p.thread_id
    WHERE p.original AND p.hidden_at IS NULL AND t.deleted_at IS NULL
    ORDER BY p.id;
