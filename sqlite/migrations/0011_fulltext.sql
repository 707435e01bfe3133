-- Full-text search over posts (parley.Store.Search): one entry per visible post of every
-- live thread, its rowid the post's id, holding the thread's title and the post's text as
-- package search cuts them (search.Index): words, then code terms. sqlstore/searchindex.go
-- keeps it in step in the transaction of every write that changes what a reader may find.
--
-- The table is contentless: the text lives in posts, and the index holds only its terms.
-- contentless_delete lets a hidden post's entry be deleted by its rowid alone.
--
-- The tokenizer reads what Go wrote, so it needs only to agree with it:
--   - porter stems the words (English): "crashes" finds "crash".
--   - '_', '.' and '-' are token characters, so each code term (exc_bad_access, info.plist,
--     -1009) is one token; words never hold them. Stemming a code term changes it on both
--     sides alike, so it still finds only itself.
--   - letters, numbers, marks and private-use characters are word characters, as in Go;
--     diacritics are kept (remove_diacritics 0), since PostgreSQL's index keeps them too.
-- An index existing before this version starts empty.

CREATE VIRTUAL TABLE post_fts USING fts5 (
    title,
    body,
    content = '',
    contentless_delete = 1,
    tokenize = "porter unicode61 remove_diacritics 0 tokenchars '_.-' categories 'L* N* Co M*'"
);
