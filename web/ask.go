package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
)

// askView is the composer: what was typed, the choices, a preview and what needs fixing.
type askView struct {
	page
	form
	Title      string
	SubtopicID int64
	Tags       string // tag names as typed, separated by commas
	Body       string
	Topics     []parley.Topic
	TagNames   []string // every tag, for the browser's suggestions
	Preview    template.HTML
	Similar    []parley.Thread // threads whose titles look like this one
	Files      fileInput
}

// FileInput is the composer's file field with what is wrong with its files, if anything.
func (v *askView) FileInput() fileInput {
	f := v.Files
	f.Error = v.Errors["attachments"]
	return f
}

func (s *Server) newAskView(w http.ResponseWriter, r *http.Request) (*askView, error) {
	v := &askView{page: s.newPage(r, "Ask a question"), form: newFormState(), Files: s.fileInput(nil)}
	v.CSRF = s.csrfToken(w, r)
	var err error
	if v.Topics, err = s.store.Topics(r.Context()); err != nil {
		return nil, err
	}
	tags, err := s.store.Tags(r.Context())
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		v.TagNames = append(v.TagNames, t.Name)
	}
	return v, nil
}

func (s *Server) handleAskForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.posting.CheckAsk(s.actor(r)); err != nil {
			s.renderError(w, r, err) // a suspended user hears it before writing, not after
			return
		}
		v, err := s.newAskView(w, r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		q := r.URL.Query()
		v.SubtopicID, _ = strconv.ParseInt(q.Get("subtopic"), 10, 64)
		v.Tags = q.Get("tag")
		s.showPage(w, r, "ask", v, http.StatusOK)
	})
}

// handleAsk previews or posts a new thread. Every problem is shown at once, beside its
// field, with everything typed kept, and every file taken kept too (stored already, and
// offered again as a box to keep); no thread is written unless all of it is right.
func (s *Server) handleAsk() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := s.newAskView(w, r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		up, err := s.checkUpload(w, r)
		if err != nil {
			s.askFailed(w, r, v, err)
			return
		}
		defer up.remove()
		f := r.PostForm
		v.Title, v.Tags, v.Body = strings.TrimSpace(f.Get("title")), f.Get("tags"), f.Get("body")
		v.SubtopicID, _ = strconv.ParseInt(f.Get("subtopic"), 10, 64)
		if v.Similar, err = s.similar(r, v.Title); err != nil {
			s.renderError(w, r, err)
			return
		}
		me := s.actor(r)
		if err := s.posting.CheckAsk(me); err != nil { // before any file is stored
			s.askFailed(w, r, v, err)
			return
		}
		q := parley.Question{Title: v.Title, SubtopicID: v.SubtopicID, Tags: strings.Split(v.Tags, ","), Body: v.Body}
		if q.Attachments, q.RefusedFiles, err = s.takeFiles(r.Context(), viewerFrom(r.Context()), f["keep"], up); err != nil {
			s.askFailed(w, r, v, err)
			return
		}
		v.Files.Kept = q.Attachments
		if f.Get("action") == "preview" {
			html, err := s.posting.PreviewAsk(r.Context(), me, q)
			if err != nil {
				s.askFailed(w, r, v, err)
				return
			}
			v.Preview = template.HTML(html)
			s.showPage(w, r, "ask", v, http.StatusOK)
			return
		}
		t, err := s.posting.Ask(r.Context(), me, q)
		if err != nil {
			s.askFailed(w, r, v, err)
			return
		}
		http.Redirect(w, r, threadLink(t.ID), http.StatusSeeOther)
	})
}

func (s *Server) askFailed(w http.ResponseWriter, r *http.Request, v *askView, err error) {
	s.refuse(w, r, "ask", v, &v.form, err)
}

// showPage renders a page that carries a form token or user input: never cached or stored.
func (s *Server) showPage(w http.ResponseWriter, r *http.Request, name string, data any, status int) {
	body, err := s.pages.render(name, data)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

const similarShown = 5

func (s *Server) similar(r *http.Request, title string) ([]parley.Thread, error) {
	if strings.TrimSpace(title) == "" {
		return nil, nil
	}
	return s.store.SimilarThreads(r.Context(), title, similarShown)
}

// similarView is the list of similar threads the composer shows under the title.
type similarView struct {
	Similar []parley.Thread
}

// handleSimilar answers the composer's script as the asker types a title: a fragment of
// HTML listing threads that may already answer the question.
func (s *Server) handleSimilar() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		title := r.URL.Query().Get("title")
		if len(title) > parley.MaxTitle*4 {
			s.renderError(w, r, parley.Invalid("title", "That title is too long to search for."))
			return
		}
		threads, err := s.similar(r, title)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		var buf strings.Builder
		if err := s.pages.fragment(&buf, "similar", similarView{Similar: threads}); err != nil {
			s.renderError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(buf.String()))
	})
}
