package postgres_test

import (
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock parley.Clock) parley.Store {
		return pgtest.MustOpen(t, clock)
	})
}
