-- Rate limits shared by every node (auth.Limiter): one token bucket per limiter and key, as
-- last counted: tokens left at counted_at, and full_at, when the bucket holds its whole
-- burst again; from then on the row means what no row means, so a sweep deletes it.
--
-- Unlogged: a check writes a row, on sign-ins and posts alike, and skipping the WAL makes
-- that cheap. What is lost is only the buckets, emptied after a crash and absent on a
-- replica that takes over, which lets each key its whole burst once more: a fair price.
-- No index on full_at: the sweep reads the table once an hour, and a table of the keys
-- active within the longest limit's window is small, while an index on a column every
-- check changes would cost every check.
CREATE UNLOGGED TABLE rate_limits (
    limiter    TEXT             NOT NULL,
    key        TEXT             NOT NULL,
    tokens     DOUBLE PRECISION NOT NULL,
    counted_at BIGINT           NOT NULL,
    full_at    BIGINT           NOT NULL,
    PRIMARY KEY (limiter, key)
);
