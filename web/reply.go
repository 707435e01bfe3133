package web

import (
	"errors"
	"net/http"
	"strconv"

	parley "github.com/parley-forum/parley"
)

// handleReply adds a reply to a thread and shows it. A refused reply shows the thread again
// with the reply form keeping what was typed, and the files taken, and saying what is wrong.
func (s *Server) handleReply() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up, err := s.checkUpload(w, r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		defer up.remove()
		id, err := pathID(r, "thread")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		me := s.actor(r)
		d := parley.ReplyDraft{ThreadID: id, Body: r.PostForm.Get("body")}
		// The writer and the thread are checked before anything is kept: a thread the
		// reader may not read is not found, with nothing of it shown and no file stored.
		if _, err := s.posting.CheckReply(r.Context(), me, id); err != nil {
			s.replyFailed(w, r, d, err)
			return
		}
		if d.Attachments, d.RefusedFiles, err = s.takeFiles(r.Context(), viewerFrom(r.Context()), r.PostForm["keep"], up); err != nil {
			s.renderError(w, r, err)
			return
		}
		p, err := s.posting.Reply(r.Context(), me, d)
		if err != nil {
			s.replyFailed(w, r, d, err)
			return
		}
		t, err := s.readableThread(r, id) // its reply count now, for the page that shows the reply
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, replyLocation(t, p), http.StatusSeeOther)
	})
}

// replyLocation is the page that shows a new reply: the thread's first page while it holds
// every post, else a page that starts with the reply.
func replyLocation(t parley.Thread, p parley.Post) string {
	anchor := "#post-" + strconv.FormatInt(p.ID, 10)
	if t.ReplyCount+1 <= postsPerPage {
		return threadLink(t.ID) + anchor
	}
	return threadLink(t.ID) + "?after=" + strconv.FormatInt(p.ID-1, 10) + anchor
}

// replyFailed shows the thread replied to again with the refused reply in its form. A
// reader who may not reply, or a thread the reader may not read (deleted, perhaps while the
// reply was written), gets an error page instead.
func (s *Server) replyFailed(w http.ResponseWriter, r *http.Request, d parley.ReplyDraft, cause error) {
	var pe *parley.Error
	if !errors.As(cause, &pe) || errors.Is(cause, parley.ErrNotFound) || pe.Code == parley.EForbidden {
		s.renderError(w, r, cause)
		return
	}
	t, err := s.readableThread(r, d.ThreadID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	posts, err := s.store.Posts(r.Context(), t.ID, 0, postsPerPage+1)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v, err := s.threadView(r, t, posts, 0, s.csrfToken(w, r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.ReplyBody, v.ReplyError, v.ReplyFiles.Kept = d.Body, pe.Message, d.Attachments
	s.showPage(w, r, "thread", v, statusFor(cause))
}
