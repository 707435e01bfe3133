package postgres

import (
	"context"
	"errors"

	parley "github.com/parley-forum/parley"
)

// Bulk is not written yet for PostgreSQL: a forum is built here with the one-by-one methods.
func (s *Store) Bulk(ctx context.Context) (parley.BulkWriter, error) {
	return nil, errors.New("postgres: bulk loading is not available yet")
}
