package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
)

// pathID reads a positive id from the URL's {id}; anything else names no record of the
// kind given ("post", "thread"), so it is a 404.
func pathID(r *http.Request, kind string) (int64, error) {
	return parseID(r.PathValue("id"), kind)
}

func parseID(raw, kind string) (int64, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, parley.NotFound("There is no %s %q.", kind, raw)
	}
	return id, nil
}

// postID reads the {id} of a /posts/{id}/… URL.
func postID(r *http.Request) (int64, error) { return pathID(r, "post") }

// postLink is the address of a post within its thread's first page.
func postLink(p parley.Post) string {
	return threadLink(p.ThreadID) + "#post-" + strconv.FormatInt(p.ID, 10)
}

// editView is the form for editing a post.
type editView struct {
	page
	form
	Post      parley.Post
	Body      string
	Summary   string
	ThreadURL string
	Preview   template.HTML
}

// postFor loads the post in the URL if the reader may read it and take action a on it;
// refusal completes "You cannot …". Whether the reader may act comes first, as in threadFor.
func (s *Server) postFor(r *http.Request, a parley.Action, refusal string) (parley.Post, error) {
	id, err := postID(r)
	if err != nil {
		return parley.Post{}, err
	}
	p, err := s.store.Post(r.Context(), id)
	if err != nil {
		return p, err
	}
	if err := viewerFrom(r.Context()).permit(a, p.Author.ID, refusal); err != nil {
		return p, err
	}
	return p, s.checkReadable(r, p)
}

func (s *Server) handleEditForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.editable(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &editView{page: s.newPage(r, "Edit post"), form: newFormState(), Post: p, Body: p.Body,
			ThreadURL: postLink(p)}
		v.CSRF = s.csrfToken(w, r)
		s.showPage(w, r, "edit", v, http.StatusOK)
	})
}

// editable returns the post in the URL if the signed-in user may edit it.
func (s *Server) editable(r *http.Request) (parley.Post, error) {
	id, err := postID(r)
	if err != nil {
		return parley.Post{}, err
	}
	return s.posting.Editable(r.Context(), s.actor(r), id)
}

// handleEdit previews or stores a new version of a post; the store keeps the one it
// replaces. A refused edit shows the form again, keeping what was typed.
func (s *Server) handleEdit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.editable(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		d := parley.EditDraft{PostID: p.ID, Body: r.PostForm.Get("body"), Summary: strings.TrimSpace(r.PostForm.Get("summary"))}
		v := &editView{page: s.newPage(r, "Edit post"), form: newFormState(), Post: p, Body: d.Body,
			Summary: d.Summary, ThreadURL: postLink(p)}
		v.CSRF = s.csrfToken(w, r)
		if r.PostForm.Get("action") == "preview" {
			html, err := s.posting.PreviewEdit(r.Context(), s.actor(r), d)
			if err != nil {
				s.editFailed(w, r, v, err)
				return
			}
			v.Preview = template.HTML(html)
			s.showPage(w, r, "edit", v, http.StatusOK)
			return
		}
		if _, err := s.posting.Edit(r.Context(), s.actor(r), d); err != nil {
			s.editFailed(w, r, v, err)
			return
		}
		http.Redirect(w, r, postLink(p), http.StatusSeeOther)
	})
}

func (s *Server) editFailed(w http.ResponseWriter, r *http.Request, v *editView, err error) {
	s.refuse(w, r, "edit", v, &v.form, err)
}

// handleAccept marks the reply in the form as the thread's accepted answer (0 clears it).
func (s *Server) handleAccept() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		t, err := s.threadFor(r, parley.ActAccept, "accept an answer in someone else's thread")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		answer, err := strconv.ParseInt(r.PostForm.Get("post"), 10, 64)
		if err != nil || answer < 0 {
			s.renderError(w, r, parley.Invalid("post", "Choose a reply to accept."))
			return
		}
		if answer != 0 {
			if _, err := s.readablePost(r, answer); err != nil {
				s.renderError(w, r, err)
				return
			}
		}
		if err := s.store.AcceptAnswer(r.Context(), t.ID, answer); err != nil {
			s.renderError(w, r, err)
			return
		}
		target := threadLink(t.ID)
		if answer != 0 {
			target += "#post-" + strconv.FormatInt(answer, 10)
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
}

// postAction answers a button on a post: it checks the form, loads the post in the URL,
// asks the policy whether the reader may take a on it (as its author sees it), applies the
// change and returns to the post. refusal completes "You cannot …".
func (s *Server) postAction(a parley.Action, refusal string, apply func(r *http.Request, me *viewer, p parley.Post) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		p, err := s.postFor(r, a, refusal)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if err := apply(r, viewerFrom(r.Context()), p); err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, postLink(p), http.StatusSeeOther)
	})
}

// handleRecommend marks (on=1) or unmarks (on=0) a reply as recommended by staff.
func (s *Server) handleRecommend() http.Handler {
	return s.postAction(parley.ActRecommend, "recommend answers: that is for staff", func(r *http.Request, _ *viewer, p parley.Post) error {
		return s.store.SetRecommended(r.Context(), p.ID, r.PostForm.Get("on") == "1")
	})
}

// handleBoost sets (on=1) or clears (on=0) the reader's boost of a post, so a repeated click
// or a resent form leaves the count right.
func (s *Server) handleBoost() http.Handler {
	return s.postAction(parley.ActBoost, "boost your own post", func(r *http.Request, me *viewer, p parley.Post) error {
		_, err := s.store.SetBoost(r.Context(), me.User.ID, p.ID, r.PostForm.Get("on") == "1")
		return err
	})
}
