package postgres_test

import (
	"fmt"
	"testing"

	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/storetest"
)

// BenchmarkReplyWatched compares a reply to a thread nobody else watches with one to a
// thread 10,000 members watch.
func BenchmarkReplyWatched(b *testing.B) {
	for _, watchers := range []int{0, 10_000} {
		b.Run(fmt.Sprintf("watchers=%d", watchers), func(b *testing.B) {
			storetest.BenchmarkReplyWatched(b, pgtest.MustOpen(b, nil), watchers)
		})
	}
}
