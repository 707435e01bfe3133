package parley

import (
	"context"
	"errors"
)

// CheckEmpty refuses, with an EConflict *Error, a forum that holds anything a whole-forum
// import would collide with: topics, tags, users or threads. Every import (a Stack Exchange
// dump, a parley export) asks this one question, so that running an import again never
// duplicates a forum. Threads are checked again by the bulk writer itself, in its
// transaction; users by the first id, where any forum's users start.
func CheckEmpty(ctx context.Context, store Store) error {
	refuse := func(what string) error {
		return Errorf(EConflict, "The forum holds %s already; an import needs an empty forum, so that running it again never duplicates it.", what)
	}
	topics, err := store.Topics(ctx)
	if err != nil {
		return err
	}
	if len(topics) > 0 {
		return refuse("topics")
	}
	tags, err := store.Tags(ctx)
	if err != nil {
		return err
	}
	if len(tags) > 0 {
		return refuse("tags")
	}
	_, err = store.UserByID(ctx, 1)
	if err == nil {
		return refuse("users")
	}
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}
