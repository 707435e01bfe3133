package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
)

// Tags returns every tag, the most used first.
func (s *Store) Tags(ctx context.Context) ([]parley.Tag, error) {
	rows, err := s.query(ctx, `SELECT id, slug, name, description, thread_count FROM tags ORDER BY thread_count DESC, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tags []parley.Tag
	for rows.Next() {
		var t parley.Tag
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Description, &t.ThreadCount); err != nil {
			return nil, err
		}
		tags = append(tags, t)
	}
	return tags, rows.Err()
}

// TagBySlug returns one tag.
func (s *Store) TagBySlug(ctx context.Context, slug string) (parley.Tag, error) {
	var t parley.Tag
	err := s.queryRow(ctx, `SELECT id, slug, name, description, thread_count FROM tags WHERE slug = ?`, slug).
		Scan(&t.ID, &t.Slug, &t.Name, &t.Description, &t.ThreadCount)
	return t, notFound(err, "There is no tag %q.", slug)
}

// CreateTag adds a tag; its slug must be unused.
func (s *Store) CreateTag(ctx context.Context, in parley.NewTag) (parley.Tag, error) {
	if err := parley.ValidateName(in.Slug, in.Name); err != nil {
		return parley.Tag{}, err
	}
	t := parley.Tag{Slug: in.Slug, Name: in.Name, Description: in.Description}
	err := s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO tags (slug, name, description) VALUES (?, ?, ?)`, in.Slug, in.Name, in.Description)
		if isUniqueViolation(err) {
			return parley.Errorf(parley.EConflict, "A tag with the address %q exists already.", in.Slug)
		}
		if err != nil {
			return err
		}
		if t.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return logCreation(ctx, tx, in.By, parley.LogTagCreated, "tag", t.ID, in.Name, now)
	})
	s.forgetTags()
	return t, err
}

// tagRefs names the tags in a space-separated id list, from a cache of every tag. Tags are
// few and rarely change, so the cache is reloaded whenever it misses an id.
func (s *Store) tagRefs(ctx context.Context, ids string) ([]parley.TagRef, error) {
	fields := strings.Fields(ids)
	refs := make([]parley.TagRef, 0, len(fields))
	for _, f := range fields {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, err
		}
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

func (s *Store) cachedTag(id int64) (parley.TagRef, bool) {
	s.tagsMu.RLock()
	defer s.tagsMu.RUnlock()
	ref, ok := s.tags[id]
	return ref, ok
}

func (s *Store) loadTags(ctx context.Context) error {
	rows, err := s.query(ctx, `SELECT id, slug, name FROM tags`)
	if err != nil {
		return err
	}
	defer rows.Close()
	tags := map[int64]parley.TagRef{}
	for rows.Next() {
		var id int64
		var ref parley.TagRef
		if err := rows.Scan(&id, &ref.Slug, &ref.Name); err != nil {
			return err
		}
		tags[id] = ref
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.tagsMu.Lock()
	s.tags = tags
	s.tagsMu.Unlock()
	return nil
}

// forgetTags drops the tag cache after a tag changes.
func (s *Store) forgetTags() {
	s.tagsMu.Lock()
	s.tags = nil
	s.tagsMu.Unlock()
}

// joinIDs renders ids as the space-separated list threads.tag_ids holds.
func joinIDs(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}
