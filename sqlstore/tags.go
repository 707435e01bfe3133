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

// tagRefs names the tags in a threads.tag_ids list from the cache of every tag, which is
// read again when it misses an id: a tag made since on another node.
func (s *Store) tagRefs(ctx context.Context, ids string) ([]parley.TagRef, error) {
	load := func() (map[int64]parley.TagRef, error) { return s.loadTags(ctx) }
	tags, err := s.tags.Get(load)
	if err != nil {
		return nil, err
	}
	refs := make([]parley.TagRef, 0, 4)
	for _, id := range SplitIDs(ids) {
		ref, ok := tags[id]
		if !ok {
			s.tags.Forget()
			if tags, err = s.tags.Get(load); err != nil {
				return nil, err
			}
			ref = tags[id]
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

func (s *Store) loadTags(ctx context.Context) (map[int64]parley.TagRef, error) {
	tags := map[int64]parley.TagRef{}
	rows, err := s.read(ctx).Query(ctx, `SELECT id, slug, name FROM tags`)
	_, err = collect(rows, err, func(r Row) (struct{}, error) {
		var id int64
		var ref parley.TagRef
		err := r.Scan(&id, &ref.Slug, &ref.Name)
		tags[id] = ref
		return struct{}{}, err
	})
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
