package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
)

// tagsTTL bounds how long a node shows tags from its memory (tagSet): a tag renamed,
// described anew or counted in another thread on another node shows so on this one within
// tagsTTL. A tag created elsewhere is found at once, since an id or slug missing from the
// memory is looked up.
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

// TagBySlug returns one tag, from the store's memory of every tag (tagSet) unless the
// read must see the latest writes. A slug it does not know, which any address can name,
// is looked up alone rather than reloading every tag; found, the memory is read again.
func (s *Store) TagBySlug(ctx context.Context, slug string) (parley.Tag, error) {
	if !parley.ReadsPrimary(ctx) {
		tags, err := s.tags.Get(func() (tagSet, error) { return s.loadTags(ctx) })
		if err != nil {
			return parley.Tag{}, err
		}
		if id, ok := tags.bySlug[slug]; ok {
			return tags.byID[id], nil
		}
	}
	t, err := scanTag(s.read(ctx).QueryRow(ctx, `SELECT id, slug, name, description, thread_count FROM tags WHERE slug = $1`, slug))
	if err == nil {
		s.tags.Forget() // a tag made since on another node
	}
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

// tagSet is every tag, by id and by slug, as the store keeps it in memory: a list names
// its threads' tags from it without a join, and a tag's page finds its tag.
type tagSet struct {
	byID   map[int64]parley.Tag
	bySlug map[string]int64
}

// tagRefs names the tags in a threads.tag_ids list from the memory of every tag, which is
// read again when it misses an id: a tag made since on another node.
func (s *Store) tagRefs(ctx context.Context, ids string) ([]parley.TagRef, error) {
	load := func() (tagSet, error) { return s.loadTags(ctx) }
	tags, err := s.tags.Get(load)
	if err != nil {
		return nil, err
	}
	refs := make([]parley.TagRef, 0, 4)
	for _, id := range SplitIDs(ids) {
		t, ok := tags.byID[id]
		if !ok {
			s.tags.Forget()
			if tags, err = s.tags.Get(load); err != nil {
				return nil, err
			}
			t = tags.byID[id]
		}
		refs = append(refs, parley.TagRef{Slug: t.Slug, Name: t.Name})
	}
	return refs, nil
}

func (s *Store) loadTags(ctx context.Context) (tagSet, error) {
	rows, err := s.read(ctx).Query(ctx, `SELECT id, slug, name, description, thread_count FROM tags`)
	all, err := collect(rows, err, scanTag)
	tags := tagSet{byID: make(map[int64]parley.Tag, len(all)), bySlug: make(map[string]int64, len(all))}
	for _, t := range all {
		tags.byID[t.ID], tags.bySlug[t.Slug] = t, t.ID
	}
	return tags, err
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
