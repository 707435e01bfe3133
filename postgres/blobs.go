package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"

	"github.com/jackc/pgx/v5"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
)

// MaxBlobSize is the largest content Blobs takes. A content is one bytea value, which pgx
// sends whole: a Put holds it in this process twice (read, then encoded into the message)
// and PostgreSQL once more, so 16 MB keeps several uploads at once well inside a node's
// memory, and is three times the default largest attachment. PostgreSQL's own limit, 1 GB
// a value, is far beyond it. Reads need no such bound: they go by readChunk.
const MaxBlobSize = 16 << 20

// readChunk is how much of a content one query reads: a reader holds at most this much,
// however large the file, and a file up to this size is read in the query that opens it.
const readChunk = 256 << 10

// Blobs is a blob.Store in the database's blobs table, shared by every node on it.
type Blobs struct {
	s *Store
}

var _ blob.Store = (*Blobs)(nil)

// Blobs returns the store of attached files' contents in this database.
func (s *Store) Blobs() *Blobs { return &Blobs{s: s} }

// Put reads the content whole, checks its hash and size, and inserts it; a content
// already stored, or stored meanwhile by another node, is left as it is.
func (b *Blobs) Put(ctx context.Context, key string, r io.Reader) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	var stored bool
	err := b.s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = $1)`, key).Scan(&stored)
	if err != nil || stored {
		return err
	}
	content, err := io.ReadAll(io.LimitReader(r, MaxBlobSize+1))
	if err != nil {
		return err
	}
	if len(content) > MaxBlobSize {
		return parley.Errorf(parley.EInvalid, "A file stored in the database is at most %d MB.", MaxBlobSize>>20)
	}
	if sum := sha256.Sum256(content); hex.EncodeToString(sum[:]) != key {
		return parley.Errorf(parley.EInvalid, "The content does not match its key.")
	}
	_, err = b.s.pool.Exec(ctx, `INSERT INTO blobs (sha256, content, size, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (sha256) DO NOTHING`, key, content, len(content), parley.Millis(b.s.Now()))
	return err
}

// Open reads the content's size and its first part; the rest is read a part at a time as
// the caller reads on.
func (b *Blobs) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, err
	}
	r := &blobReader{ctx: ctx, b: b, key: key}
	err := b.s.pool.QueryRow(ctx, `SELECT size, substring(content FROM 1 FOR $2) FROM blobs WHERE sha256 = $1`,
		key, readChunk).Scan(&r.size, &r.buf)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, parley.NotFound("There is no file %s.", key)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Delete removes the content's row.
func (b *Blobs) Delete(ctx context.Context, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	_, err := b.s.pool.Exec(ctx, `DELETE FROM blobs WHERE sha256 = $1`, key)
	return err
}

// blobReader reads a content readChunk bytes per query. It keeps the context it was opened
// with, since io.Reader has none: a reader lives within the request that opened it.
type blobReader struct {
	ctx    context.Context
	b      *Blobs
	key    string
	size   int64
	off    int64  // where the next Read starts
	buf    []byte // the content from bufOff on
	bufOff int64
}

func (r *blobReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	if r.off < r.bufOff || r.off >= r.bufOff+int64(len(r.buf)) {
		if err := r.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf[r.off-r.bufOff:])
	r.off += int64(n)
	return n, nil
}

// fill reads the part of the content that starts at the reader's offset.
func (r *blobReader) fill() error {
	var part []byte
	err := r.b.s.pool.QueryRow(r.ctx, `SELECT substring(content FROM $2 FOR $3) FROM blobs WHERE sha256 = $1`,
		r.key, r.off+1, readChunk).Scan(&part)
	if errors.Is(err, pgx.ErrNoRows) {
		return parley.NotFound("The file %s was deleted while it was read.", r.key)
	}
	if err != nil {
		return err
	}
	if len(part) == 0 {
		return io.ErrUnexpectedEOF
	}
	r.buf, r.bufOff = part, r.off
	return nil
}

func (r *blobReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.size
	}
	if offset < 0 {
		return 0, errors.New("blob: seek before the start")
	}
	r.off = offset
	return offset, nil
}

func (r *blobReader) Close() error {
	r.buf = nil
	return nil
}
