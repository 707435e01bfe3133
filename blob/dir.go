package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	parley "github.com/parley-forum/parley"
)

// Dir is a Store in a folder on the local disk: each content is a file named by its key,
// in a subfolder named by the key's first two digits so that no folder grows to millions
// of entries.
type Dir struct {
	path string
}

var _ Store = (*Dir)(nil)

// NewDir opens the store in the folder at path, creating it when needed.
func NewDir(path string) (*Dir, error) {
	if err := os.MkdirAll(filepath.Join(path, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("create blob folder: %w", err)
	}
	return &Dir{path: path}, nil
}

func (d *Dir) file(key string) string { return filepath.Join(d.path, key[:2], key) }

// Put writes the content to a temporary file in the store's own folder, checks its hash
// and syncs it, and only then renames it into place: a reader never sees part of a
// content, and a crash leaves at most a temporary file behind.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	final := d.file(key)
	if _, err := os.Stat(final); err == nil {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Join(d.path, "tmp"), "put-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	err = writeChecked(tmp, r, key)
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), final)
}

// writeChecked copies r to f, and fails unless what it copied hashes to key.
func writeChecked(f *os.File, r io.Reader, key string) error {
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), r); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != key {
		return parley.Errorf(parley.EInvalid, "The content does not match its key.")
	}
	return f.Sync()
}

// Open opens the content's file.
func (d *Dir) Open(_ context.Context, key string) (io.ReadSeekCloser, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	f, err := os.Open(d.file(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, parley.NotFound("There is no file %s.", key)
	}
	return f, err
}

// Delete removes the content's file.
func (d *Dir) Delete(_ context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := os.Remove(d.file(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
