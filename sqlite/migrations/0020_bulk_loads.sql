-- bulk_loads marks a bulk load (an import, a demo forum) from before its first row to the
-- step that makes the forum usable: a row here is a load that never finished, which
-- the store refuses to serve and the next load clears (sqlite/bulk.go). indexes holds,
-- as a JSON array of [name, sql], the indexes the load dropped, to make again.
CREATE TABLE bulk_loads (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    started_at INTEGER NOT NULL,
    indexes    TEXT    NOT NULL
);
