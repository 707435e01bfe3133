package postgres_test

import (
	"context"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock parley.Clock) parley.Store {
		return pgtest.MustOpen(t, clock)
	})
}

func TestReindex(t *testing.T) {
	storetest.RunReindex(t, func(t *testing.T, clock parley.Clock) storetest.Reindexer {
		return pgtest.MustOpen(t, clock)
	}, func(t *testing.T, s storetest.Reindexer) {
		if _, err := s.(*postgres.Store).Pool().Exec(context.Background(), `DELETE FROM post_search; DELETE FROM title_search`); err != nil {
			t.Fatal(err)
		}
	})
}
