-- Handles and emails are looked up as lower(handle) = lower($1), the one form both databases
-- run, and SQLite uses an index for such a condition only when the index is on lower(). The
-- COLLATE NOCASE unique constraints stay: they keep refusing duplicates in any case, as
-- these indexes do, since both fold the same (ASCII) letters.
CREATE UNIQUE INDEX users_handle_lower ON users (lower(handle));
CREATE UNIQUE INDEX users_email_lower  ON users (lower(email));
