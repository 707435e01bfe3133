package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

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
		// The thread is checked before anything is kept: a thread the reader may not read
		// is not found, with nothing of it shown and no file stored.
		t, err := s.threadFor(r, actReply, "post")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		me := viewerFrom(r.Context())
		in := parley.NewReply{ThreadID: t.ID, AuthorID: me.User.ID, Body: r.PostForm.Get("body")}
		if t.Locked {
			s.replyFailed(w, r, t, in, parley.LockedRefusal())
			return
		}
		files, problems, err := s.takeFiles(r.Context(), me, actReply, r.PostForm["keep"], up)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		in.Attachments = files
		if len(problems) > 0 {
			s.replyFailed(w, r, t, in, parley.Invalid("attachments", "%s", strings.Join(problems, " ")))
			return
		}
		if err := in.Validate(); err != nil {
			s.replyFailed(w, r, t, in, err)
			return
		}
		if err := s.checkPosting(r, me, actReply, "send your reply again"); err != nil {
			s.replyFailed(w, r, t, in, err)
			return
		}
		if in.HTML, err = s.renderPost(&me.User, in.Body); err != nil {
			s.replyFailed(w, r, t, in, err)
			return
		}
		p, err := s.store.CreateReply(r.Context(), in)
		if err != nil {
			s.replyFailed(w, r, t, in, err)
			return
		}
		s.threadChanged(r.Context(), t.ID)
		if t, err = s.readableThread(r, t.ID); err != nil { // its reply count now, for the page that shows the reply
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

// replyFailed shows thread t, which the reader may read, again with the refused reply in
// its form. A thread that is gone since (deleted while the reply was written) is not shown.
func (s *Server) replyFailed(w http.ResponseWriter, r *http.Request, t parley.Thread, in parley.NewReply, cause error) {
	var pe *parley.Error
	if !errors.As(cause, &pe) || errors.Is(cause, parley.ErrNotFound) {
		s.renderError(w, r, cause)
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
	v.ReplyBody, v.ReplyError, v.ReplyFiles.Kept = in.Body, pe.Message, in.Attachments
	s.showPage(w, r, "thread", v, statusFor(cause))
}
