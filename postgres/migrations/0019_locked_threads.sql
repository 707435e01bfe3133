-- The few locked threads, for a search for is:locked, which reading threads for the flag
-- passed most of a forum's threads to find.
CREATE INDEX threads_locked ON threads (id) WHERE locked;
