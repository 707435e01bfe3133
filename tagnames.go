package parley

import (
	"context"
	"errors"
	"strings"
)

// ResolveTags turns tag names or addresses, in any case, as a writer typed them, into tag
// ids; blank names are skipped. Only existing tags can be chosen: creating tags is for
// staff, so a name that is no tag is an EInvalid *Error about the field "tags". Any other
// error is the store's.
func ResolveTags(ctx context.Context, store Store, names []string) ([]int64, error) {
	var ids []int64
	for _, name := range names {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		tag, err := store.TagBySlug(ctx, Slugify(name))
		if errors.Is(err, ErrNotFound) {
			return nil, Invalid("tags", "There is no tag “%s”; choose existing tags (new tags are made by staff).", name)
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, tag.ID)
	}
	return ids, nil
}
