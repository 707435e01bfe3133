package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	parley "github.com/parley-forum/parley"
)

// tagsTTL bounds how long a node names tags from its cache: a tag renamed on another node
// shows under its new name on this one within tagsTTL. A tag created elsewhere is found at
// once, since an id missing from the cache reloads it.
const tagsTTL = 5 * time.Second

func scanTag(row pgx.CollectableRow) (parley.Tag, error) {
	var t parley.Tag
	err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.Description, &t.ThreadCount)
	return t, err
}

// Tags returns every tag, the most used first.
func (s *Store) Tags(ctx context.Context) ([]parley.Tag, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, slug, name, description, thread_count FROM tags ORDER BY thread_count DESC, name`)
	return collect(rows, err, scanTag)
}

// TagBySlug returns one tag.
func (s *Store) TagBySlug(ctx context.Context, slug string) (parley.Tag, error) {
	rows, err := s.reader(ctx).Query(ctx, `SELECT id, slug, name, description, thread_count FROM tags WHERE slug = $1`, slug)
	if err != nil {
		return parley.Tag{}, err
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanTag)
	return t, notFound(err, "There is no tag %q.", slug)
}

// CreateTag adds a tag; its slug must be unused.
func (s *Store) CreateTag(ctx context.Context, in parley.NewTag) (parley.Tag, error) {
	if err := parley.ValidateName(in.Slug, in.Name); err != nil {
		return parley.Tag{}, err
	}
	t := parley.Tag{Slug: in.Slug, Name: in.Name, Description: in.Description}
	err := s.inTx(ctx, func(tx pgx.Tx, now int64) error {
		err := tx.QueryRow(ctx, `INSERT INTO tags (slug, name, description) VALUES ($1, $2, $3) RETURNING id`,
			in.Slug, in.Name, in.Description).Scan(&t.ID)
		if isUniqueViolation(err) {
			return parley.Errorf(parley.EConflict, "A tag with the address %q exists already.", in.Slug)
		}
		if err != nil {
			return err
		}
		return logCreation(ctx, tx, in.By, parley.LogTagCreated, "tag", t.ID, in.Name, now)
	})
	s.forgetTags()
	return t, err
}

// tagRefs names tags from a cache of every tag, reloaded when it misses an id or is older
// than tagsTTL.
func (s *Store) tagRefs(ctx context.Context, ids []int64) ([]parley.TagRef, error) {
	refs := make([]parley.TagRef, 0, len(ids))
	for _, id := range ids {
		ref, ok := s.cachedTag(id)
		if !ok {
			if err := s.loadTags(ctx); err != nil {
				return nil, err
			}
			ref, _ = s.cachedTag(id)
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

// cachedTag returns a tag from the cache; a stale cache holds nothing.
func (s *Store) cachedTag(id int64) (parley.TagRef, bool) {
	s.tagsMu.RLock()
	defer s.tagsMu.RUnlock()
	if time.Since(s.tagsAt) >= tagsTTL {
		return parley.TagRef{}, false
	}
	ref, ok := s.tags[id]
	return ref, ok
}

func (s *Store) loadTags(ctx context.Context) error {
	at := time.Now()
	rows, err := s.pool.Query(ctx, `SELECT id, slug, name FROM tags`)
	if err != nil {
		return err
	}
	tags := map[int64]parley.TagRef{}
	var id int64
	var ref parley.TagRef
	_, err = pgx.ForEachRow(rows, []any{&id, &ref.Slug, &ref.Name}, func() error {
		tags[id] = ref
		return nil
	})
	if err != nil {
		return err
	}
	s.tagsMu.Lock()
	s.tags, s.tagsAt = tags, at
	s.tagsMu.Unlock()
	return nil
}

// forgetTags drops the tag cache after a tag changes.
func (s *Store) forgetTags() {
	s.tagsMu.Lock()
	s.tags = nil
	s.tagsMu.Unlock()
}
