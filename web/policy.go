package web

import (
	"errors"
	"net/http"

	parley "github.com/parley-forum/parley"
)

// may reports whether the signed-in reader may take action a on something owned by
// ownerID, by the rules of parley.Allowed, judged at the time their session was read; a
// reader without a session may take none.
func (v *viewer) may(a parley.Action, ownerID int64) bool {
	return v != nil && parley.Allowed(&v.User, a, ownerID, v.at)
}

// permit returns nil when the signed-in reader may take action a, or the refusal to show
// (parley.Permit); refusal completes "You cannot …".
func (v *viewer) permit(a parley.Action, ownerID int64, refusal string) error {
	if v == nil {
		return parley.Forbid(refusal)
	}
	return parley.Permit(&v.User, a, ownerID, v.at, refusal)
}

// actor is the signed-in reader as the domain's use cases take them: the user, and the
// address the limits per address count.
func (s *Server) actor(r *http.Request) parley.Actor {
	return parley.Actor{User: viewerFrom(r.Context()).User, Address: clientIP(r)}
}

// Who may see what: a deleted thread, and a hidden post, are out of view for everyone but
// moderators, who still read them to restore them. Every page, feed, stream and action that
// loads a thread or a post for a reader loads it through these, so that no error page or
// side door shows what the thread page would not.

// threadShown loads a thread, refusing it as not found when it is deleted unless
// withDeleted.
func (s *Server) threadShown(r *http.Request, id int64, withDeleted bool) (parley.Thread, error) {
	t, err := s.store.Thread(r.Context(), id)
	if err != nil {
		return t, err
	}
	return shown(t, withDeleted)
}

// threadPageShown loads a thread as threadShown does, with one page of its posts.
func (s *Server) threadPageShown(r *http.Request, id, after int64, limit int, withDeleted bool) (parley.Thread, []parley.Post, error) {
	t, posts, err := s.store.ThreadWithPosts(r.Context(), id, after, limit)
	if err != nil {
		return t, nil, err
	}
	if t, err = shown(t, withDeleted); err != nil {
		return t, nil, err
	}
	return t, posts, nil
}

// shown is the one check for deleted threads: such a thread is not found unless
// withDeleted.
func shown(t parley.Thread, withDeleted bool) (parley.Thread, error) {
	if t.Deleted && !withDeleted {
		return parley.Thread{}, parley.NotFound("There is no thread %d.", t.ID)
	}
	return t, nil
}

// readableThread loads a thread the reader may read.
func (s *Server) readableThread(r *http.Request, id int64) (parley.Thread, error) {
	return s.threadShown(r, id, moderates(r))
}

// threadFor loads the thread in the URL if the reader may take action a on it, as its
// author sees it; refusal completes "You cannot …". Whether the reader may act comes first,
// so that a suspended user hears of the suspension whatever the thread.
func (s *Server) threadFor(r *http.Request, a parley.Action, refusal string) (parley.Thread, error) {
	id, err := pathID(r, "thread")
	if err != nil {
		return parley.Thread{}, err
	}
	t, err := s.store.Thread(r.Context(), id)
	if err != nil {
		return t, err
	}
	if err := viewerFrom(r.Context()).permit(a, t.Author.ID, refusal); err != nil {
		return parley.Thread{}, err
	}
	return shown(t, moderates(r))
}

// readablePost loads a post the reader may read.
func (s *Server) readablePost(r *http.Request, id int64) (parley.Post, error) {
	p, err := s.store.Post(r.Context(), id)
	if err != nil {
		return p, err
	}
	return p, s.checkReadable(r, p)
}

// checkReadable refuses a post the reader may not read as not found: a hidden post, or any
// post of a deleted thread, exists only for moderators.
func (s *Server) checkReadable(r *http.Request, p parley.Post) error {
	if moderates(r) {
		return nil
	}
	_, err := s.readableThread(r, p.ThreadID)
	if p.Hidden || errors.Is(err, parley.ErrNotFound) {
		return parley.NotFound("There is no post %d.", p.ID)
	}
	return err
}

// checkActable refuses, with the reason, to accept, recommend, boost, flag or quote a post
// that is out of view (parley.CheckActable). The stores check it again as they act; this
// answers a form before it is filled in vain.
func (s *Server) checkActable(r *http.Request, p parley.Post) error {
	t, err := s.readableThread(r, p.ThreadID)
	if err != nil {
		return err
	}
	return parley.CheckActable(p.ID, p.Hidden, t.Deleted)
}
