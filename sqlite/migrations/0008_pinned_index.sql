-- listings_pinned covers the pinned entries as PostgreSQL's does, WHERE pinned, so that the
-- statements both databases share (l.pinned) match its condition: SQLite uses a partial
-- index only for a query whose terms repeat the index's own.
DROP INDEX listings_pinned;
CREATE INDEX listings_pinned ON thread_listings (scope, last_activity_at) WHERE pinned;
