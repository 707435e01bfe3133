-- Search over thread titles, for the similar threads shown while someone writes a question.
-- threads_fts indexes threads.title without a copy of it (an external-content table): the
-- triggers below keep it in step with every insert, retitle and delete, and a bulk load
-- drops them and rebuilds the index once at the end (sqlite/bulk.go).
--
-- The tokenizer keeps developer identifiers findable as they are written:
--   - unicode61 folds case, and remove_diacritics 2 folds accents the same way in titles and
--     queries, so "Cafe" finds "Café".
--   - '_' joins words, so EXC_BAD_ACCESS and os_unfair_lock are single tokens: a search for
--     them finds them and nothing made of the common words "bad" and "access".
--   - '-' separates: -1009, "error -1009", "Code=-1009" and plain "1009" all index as 1009 and
--     find one another, and "dark-mode" finds "dark mode". Joining on '-' would have made
--     "-1009" miss "1009" and "--verbose" miss "verbose".
--   - '.' separates: a title ending "... when offline." still ends in the word "offline", and
--     Info.plist or NSURLErrorDomain.code are found by their parts.
-- No stemming (porter): identifiers are to be found as written (DESIGN.md §6), and a stemmer
-- rewrites them as if they were English (URLSession becomes "urlsess").

CREATE VIRTUAL TABLE threads_fts USING fts5 (
    title,
    content = 'threads',
    content_rowid = 'id',
    tokenize = "unicode61 remove_diacritics 2 tokenchars '_'"
);

CREATE TRIGGER threads_fts_insert AFTER INSERT ON threads BEGIN
    INSERT INTO threads_fts (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER threads_fts_update AFTER UPDATE OF title ON threads BEGIN
    INSERT INTO threads_fts (threads_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO threads_fts (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER threads_fts_delete AFTER DELETE ON threads BEGIN
    INSERT INTO threads_fts (threads_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;

INSERT INTO threads_fts (threads_fts) VALUES ('rebuild');
