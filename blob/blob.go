// Package blob keeps large files, such as attachments, apart from the database: a store
// of immutable contents named by the SHA-256 of their bytes. Content addressing makes
// identical uploads share one copy and leaves no name a user could steer outside the
// store. The interface is small on purpose, so that a store shared by several app nodes
// (an object store) can take the folder's place.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"

	parley "github.com/parley-forum/parley"
)

// Store holds contents by key. A key is the lower-case hex SHA-256 of its content; any
// other key is refused with an EInvalid error.
type Store interface {
	// Put stores what r holds under key, and fails, storing nothing, when the content
	// does not hash to key. A key that is already stored is left as it is.
	Put(ctx context.Context, key string, r io.Reader) error
	// Open returns the content stored under key, or an error matching
	// parley.ErrNotFound. The caller closes it.
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	// Delete removes the content under key; deleting a key not stored is no error. Keys are
	// shared by identical contents, so a caller deletes only a key nothing refers to.
	Delete(ctx context.Context, key string) error
}

// Key returns the key of the content r holds.
func Key(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ValidKey reports whether key could name a content: 64 lower-case hex digits.
func ValidKey(key string) bool {
	if len(key) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// CheckKey refuses, with an EInvalid error, a key that could not name a content.
func CheckKey(key string) error {
	if !ValidKey(key) {
		return parley.Errorf(parley.EInvalid, "A file key is 64 lower-case hex digits.")
	}
	return nil
}
