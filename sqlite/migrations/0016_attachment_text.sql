-- attachments.search_text holds the start of an attached text file (parley.MaxFileText
-- bytes at most), indexed with its post so that a crash signature or a log line finds the
-- thread. Files attached before this migration have none; parley reindex fills it from the
-- stored files.
ALTER TABLE attachments ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
