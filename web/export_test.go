package web

import "context"

// CachedPages is how many pages the page cache holds.
func (s *Server) CachedPages() int { return s.cache.size() }

// Diffs reports how many diffs the revision history keeps, and how many it has computed.
func (s *Server) Diffs() (kept, computed int) { return s.diffs.stats() }

// WaitForStreams waits until at most n live streams are open on s, or ctx ends: what a
// test that closes a stream waits for before it counts on the slot being free.
func (s *Server) WaitForStreams(ctx context.Context, n int) error {
	for {
		open, ended := s.live.streams()
		if open <= n {
			return nil
		}
		select {
		case <-ended:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// PostsPerPage is how many posts a thread page shows.
const PostsPerPage = postsPerPage
