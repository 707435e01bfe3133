package sqlite

import (
	"context"
	"database/sql"

	parley "github.com/parley-forum/parley"
)

func checkTags(ctx context.Context, tx *sql.Tx, ids []int64) error {
	for _, id := range ids {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM tags WHERE id = ?`, id).Scan(&one); err != nil {
			if err == sql.ErrNoRows {
				return parley.Invalid("tags", "There is no tag %d.", id)
			}
			return err
		}
	}
	return nil
}
