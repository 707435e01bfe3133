-- Full-text search over posts (parley.Store.Search): one row per visible post of every live
-- thread, holding the thread's title (weight A) and the post's text (weight B) as package
-- search cuts them (search.Index). sqlstore/searchindex.go keeps it in step in the
-- transaction of every write that changes what a reader may find.
--
-- Words are stemmed by parley_search: English's configuration with a Snowball stemmer
-- that keeps every word, since Go has left out the stop words already, the same ones for
-- both databases. Code terms (exc_bad_access, info.plist, -1009) are lexemes as written,
-- never parsed nor stemmed (search_code), with positions so that title-only searches can
-- tell their weight. An index existing before this version starts empty.

CREATE TEXT SEARCH DICTIONARY parley_stem (TEMPLATE = snowball, LANGUAGE = english);
CREATE TEXT SEARCH CONFIGURATION parley_search (COPY = english);
ALTER TEXT SEARCH CONFIGURATION parley_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH parley_stem;

-- search_code makes code terms, separated by spaces, a tsvector of lexemes taken as they
-- are. Code terms hold letters, digits, marks, '_', '.' and '-' only: nothing to quote.
CREATE FUNCTION search_code(code TEXT) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT coalesce(string_agg('''' || c || ''':' || least(n, 16383), ' ')::tsvector, ''::tsvector)
    FROM unnest(string_to_array(code, ' ')) WITH ORDINALITY AS x (c, n) WHERE c <> ''
$$;

CREATE TABLE post_search (
    post_id   BIGINT   PRIMARY KEY REFERENCES posts (id),
    thread_id BIGINT   NOT NULL,
    original  BOOLEAN  NOT NULL,
    document  TSVECTOR NOT NULL
);

CREATE INDEX post_search_document ON post_search USING gin (document);
