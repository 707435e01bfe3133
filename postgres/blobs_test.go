package postgres_test

import (
	"context"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/blob/blobtest"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
)

func TestBlobsConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) (blob.Store, func() int) {
		s := pgtest.MustOpen(t, nil)
		return s.Blobs(), func() int {
			var n int
			if err := s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM blobs`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
	})
}

// TestBlobsRefuseTooLarge: a content over MaxBlobSize is refused before it is hashed or
// sent to the database.
func TestBlobsRefuseTooLarge(t *testing.T) {
	b := pgtest.MustOpen(t, nil).Blobs()
	content := strings.Repeat("x", postgres.MaxBlobSize+1)
	key, err := blob.Key(strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Put(context.Background(), key, strings.NewReader(content)); parley.ErrorCode(err) != parley.EInvalid {
		t.Fatalf("a content of MaxBlobSize+1 bytes: %v, want invalid", err)
	}
}
