-- bulk_loads marks a bulk load that never finished, on SQLite (its migration 0015 says
-- how). A load on PostgreSQL is one transaction, taken back whole by the database, so the
-- table stays empty here; it exists so that both schemas hold the same tables, as
-- parley copy requires.
CREATE TABLE bulk_loads (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    started_at BIGINT NOT NULL,
    indexes    TEXT   NOT NULL
);
