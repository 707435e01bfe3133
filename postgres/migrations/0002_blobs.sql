-- Attached files' contents, named by the SHA-256 of their bytes (package blob), so that
-- every app node serves every file. Identical contents share one row.
CREATE TABLE blobs (
    sha256     TEXT   PRIMARY KEY,
    content    BYTEA  NOT NULL,
    size       BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Stored out of line and uncompressed: most files are images, compressed already, and an
-- uncompressed value lets substring() read one part of a file without the rest, which is
-- how a file is streamed to readers.
ALTER TABLE blobs ALTER COLUMN content SET STORAGE EXTERNAL;
