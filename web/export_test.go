package web

// CachedPages is how many pages the page cache holds.
func (s *Server) CachedPages() int { return s.cache.size() }

// Diffs reports how many diffs the revision history keeps, and how many it has computed.
func (s *Server) Diffs() (kept, computed int) { return s.diffs.stats() }
