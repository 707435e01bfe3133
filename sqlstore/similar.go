package sqlstore

import (
	"context"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/search"
)

// maxSimilar caps SimilarThreads' limit: the composer shows a short list.
const maxSimilar = 10

// SimilarThreads returns the threads that share the most, and the rarest, of text's
// keywords (search.Keywords), best first (parley.Store.SimilarThreads). It reads the
// full-text index, where any keyword may match: first the threads whose titles match,
// ranked as Search ranks title matches; then, when they are too few, those whose posts
// alone do. Hidden posts and deleted threads are never found.
func (s *Store) SimilarThreads(ctx context.Context, text string, limit int) ([]parley.Thread, error) {
	limit = min(limit, maxSimilar)
	keywords := search.Keywords(text, parley.MaxSearchWords)
	if limit <= 0 || len(keywords) == 0 {
		return nil, nil
	}
	anyOf := make([][]search.Term, len(keywords))
	for i, k := range keywords {
		anyOf[i] = []search.Term{k}
	}
	ids, err := s.similarIDs(ctx, anyOf, true, limit, nil)
	if err == nil && len(ids) < limit {
		var more []int64
		more, err = s.similarIDs(ctx, anyOf, false, limit-len(ids), ids)
		ids = append(ids, more...)
	}
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	threads, err := s.QueryThreads(ctx, `SELECT `+ThreadColumns("t")+` FROM threads t JOIN users u ON u.id = t.author_id
		WHERE `+s.d.AnyID("t.id", "$1"), s.d.IDs(ids))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]parley.Thread, len(threads))
	for _, t := range threads {
		byID[t.ID] = t
	}
	similar := make([]parley.Thread, 0, len(ids))
	for _, id := range ids {
		if t, ok := byID[id]; ok {
			similar = append(similar, t)
		}
	}
	return similar, nil
}

// similarIDs returns the ids of the best limit live threads with a visible post that
// matches any group of anyOf, in its title alone when title, leaving out the threads
// found already. A thread scores its best post's match, a question's counting double, as
// in Search; ties go to the newer thread.
func (s *Store) similarIDs(ctx context.Context, anyOf [][]search.Term, title bool, limit int, found []int64) ([]int64, error) {
	r := s.read(ctx)
	match, ok, err := s.d.Search.Query(ctx, r, anyOf, title)
	if err != nil || !ok {
		return nil, err
	}
	args, notFound := []any{match, limit}, ""
	if len(found) > 0 {
		args, notFound = append(args, s.d.IDs(found)), ` AND NOT `+s.d.AnyID("t.id", "$3")
	}
	rows, err := r.Query(ctx, `SELECT h.thread_id FROM `+bestPosts(s.d.Search.Hits("$1"))+` h
		JOIN threads t ON t.id = h.thread_id
		WHERE t.deleted_at IS NULL`+notFound+`
		ORDER BY h.score DESC, t.id DESC LIMIT $2`, args...)
	return collect(rows, err, scanID)
}
