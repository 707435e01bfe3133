-- Indexes PostgreSQL has and SQLite lacked, so that both databases run the same statements
-- with the same plans.
--
-- Handles and emails are looked up as lower(handle) = lower($1), the one form both databases
-- run, and SQLite uses an index for such a condition only when the index is on lower(). The
-- COLLATE NOCASE unique constraints stay: they keep refusing duplicates in any case, as
-- these indexes do, since both fold the same (ASCII) letters.
CREATE UNIQUE INDEX users_handle ON users (lower(handle));
CREATE UNIQUE INDEX users_email  ON users (lower(email));

-- flags_by_post serves finding a post's flags, open or decided (the queue's entry for a
-- post, dismissing them, resolving them when a moderator acts), as on PostgreSQL.
CREATE INDEX flags_by_post ON flags (post_id);
