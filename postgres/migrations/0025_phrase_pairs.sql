-- Pairs of words next to each other, so that a phrase's candidates are found from a GIN
-- index by its pairs rather than by its words alone: GIN keeps no positions, and a phrase of
-- common words ("crashes on launch") had every post holding both words read and checked,
-- 111,706 of 5,000,000 posts and 0.84 s for a phrase that none held. A pair is the stems of
-- two plain words next to each other joined by '+' (package search's Pairs), written by the
-- app beside the words (sqlstore's SearchDialect.Row). They are a table of their own, read
-- by a phrase's query alone: held in post_search's documents they made each twice as large,
-- and every other search that reads documents slower (docs/performance.md).
CREATE TABLE post_pairs (
    post_id BIGINT   PRIMARY KEY REFERENCES posts (id),
    pairs   TSVECTOR NOT NULL
);
CREATE INDEX post_pairs_pairs ON post_pairs USING gin (pairs);

-- search_pairs makes pairs written with spaces between them lexemes, without positions.
CREATE FUNCTION search_pairs(pairs TEXT) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT array_to_tsvector(string_to_array(pairs, ' '))
$$;

-- A search's query (postgres.tsQueryOf) is the tsquery of post_search's documents, then,
-- when it has phrases, chr(1) and the tsquery of their pairs. Both functions are immutable,
-- so that the planner, given the query as a literal, estimates the tsqueries themselves.
CREATE FUNCTION search_words(query TEXT) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT split_part(query, chr(1), 1)::tsquery
$$;
CREATE FUNCTION search_pairs_of(query TEXT) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT nullif(split_part(query, chr(1), 2), '')::tsquery
$$;

-- Whether every post in post_search has its pairs: posts indexed before this version have
-- none until parley reindex writes them again, and until then a phrase is found by its
-- words alone, as before. An empty index is complete.
CREATE TABLE search_state (
    pairs BOOLEAN NOT NULL
);
INSERT INTO search_state (pairs) SELECT NOT EXISTS (SELECT 1 FROM post_search);

-- A phrase's posts are read through its pairs when the planner reckons them few
-- (postgres.fewMatches): a longer list of the commonest pairs sampled leaves those missing
-- from it estimated as the rare pairs they are.
ALTER TABLE post_pairs ALTER COLUMN pairs SET STATISTICS 1000;
