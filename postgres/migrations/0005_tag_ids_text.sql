-- threads.tag_ids holds a thread's tag ids as space-separated text, as on SQLite, so that
-- both stores read and write it with the same statements (package sqlstore).
ALTER TABLE threads ALTER COLUMN tag_ids TYPE TEXT USING array_to_string(tag_ids, ' ');
