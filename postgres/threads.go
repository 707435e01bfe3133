package postgres

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"
	parley "github.com/parley-forum/parley"
)

// checkTags makes sure every tag exists.
func checkTags(ctx context.Context, q queryer, ids []int64) error {
	rows, err := q.Query(ctx, `SELECT id FROM tags WHERE id = ANY($1)`, ids)
	found, err := collect(rows, err, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.Contains(found, id) {
			return parley.Invalid("tags", "There is no tag %d.", id)
		}
	}
	return nil
}
