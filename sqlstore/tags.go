package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
)

// tagsTTL bounds how long a node names tags from its cache: a tag renamed on another node
// shows under its new name on this one within tagsTTL. A tag created elsewhere is found at
// once, since an id missing from the cache reloads it.
const tagsTTL = 5 * time.Second

func scanTag(r Row) (parley.Tag, error) {
	var t parley.Tag
	return t, r.Scan(&t.ID, &t.Slug, &t.Name, &t.Description, &t.ThreadCount)
}

// Tags returns every tag, the most used first.
func (s *Store) Tags(ctx context.Context) ([]parley.Tag, error) {
	rows, err := s.read(ctx).Query(ctx, `SELECT id, slug, name, description, thread_count FROM tags ORDER BY thread_count DESC, name`)
	return collect(rows, err, scanTag)
}

// TagBySlug returns one tag.
func (s *Store) TagBySlug(ctx context.Context, slug string) (parley.Tag, error) {
	t, err := scanTag(s.read(ctx).QueryRow(ctx, `SELECT id, slug, name, description, thread_count FROM tags WHERE slug = $1`, slug))
	return t, notFound(err, "There is no tag %q.", slug)
}

// CreateTag adds a tag; its slug must be unused.
func (s *Store) CreateTag(ctx context.Context, in parley.NewTag) (parley.Tag, error) {
	if err := parley.ValidateName(in.Slug, in.Name); err != nil {
		return parley.Tag{}, err
	}
	t := parley.Tag{Slug: in.Slug, Name: in.Name, Description: in.Description}
	err := s.inTx(ctx, func(tx *Tx) error {
		return s.createNamed(ctx, tx, creation{in.By, parley.LogTagCreated, "tag", in.Name, &t.ID,
			parley.Errorf(parley.EConflict, "A tag with the address %q exists already.", in.Slug)},
			`INSERT INTO tags (slug, name, description) VALUES ($1, $2, $3) RETURNING id`, in.Slug, in.Name, in.Description)
	})
	return t, err
}

// tagRefs names the tags in a threads.tag_ids list, from a cache of every tag, reloaded
// when it misses an id or is older than tagsTTL.
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
	tags := map[int64]parley.TagRef{}
	rows, err := s.read(ctx).Query(ctx, `SELECT id, slug, name FROM tags`)
	_, err = collect(rows, err, func(r Row) (struct{}, error) {
		var id int64
		var ref parley.TagRef
		err := r.Scan(&id, &ref.Slug, &ref.Name)
		tags[id] = ref
		return struct{}{}, err
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

// JoinIDs renders ids as the space-separated list threads.tag_ids holds.
func JoinIDs(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// SplitIDs parses a threads.tag_ids list.
func SplitIDs(s string) []int64 {
	var ids []int64
	for _, f := range strings.Fields(s) {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
