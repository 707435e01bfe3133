package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/events"
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
		if err := permit(&viewerFrom(r.Context()).User, actAsk, 0, "ask"); err != nil {
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
		me := viewerFrom(r.Context())
		in := parley.NewThread{Title: v.Title, SubtopicID: v.SubtopicID, AuthorID: me.User.ID, Body: v.Body}
		tagIDs, tagErr := s.resolveTags(r, v.Tags)
		in.TagIDs = tagIDs
		for _, p := range in.Problems() {
			if v.Errors[p.Field] == "" {
				v.Errors[p.Field] = p.Message
			}
		}
		if tagErr != nil {
			v.Errors["tags"] = parley.ErrorMessage(tagErr)
		}
		files, problems, err := s.takeFiles(r.Context(), me, actAsk, f["keep"], up)
		if err != nil {
			s.askFailed(w, r, v, err)
			return
		}
		in.Attachments = files
		if len(problems) > 0 {
			v.Errors["attachments"] = strings.Join(problems, " ")
		}
		v.Files.Kept = files
		if v.Similar, err = s.similar(r, v.Title); err != nil {
			s.renderError(w, r, err)
			return
		}
		if len(v.Errors) > 0 {
			s.showPage(w, r, "ask", v, http.StatusBadRequest)
			return
		}
		preview := f.Get("action") == "preview"
		if preview {
			err = s.checkPace(r, me, true, "preview again: your question is kept below")
		} else {
			err = s.checkPosting(r, me, actAsk, "post again: your question is kept below")
		}
		if err != nil {
			s.askFailed(w, r, v, err)
			return
		}
		if in.HTML, err = s.renderPost(&me.User, in.Body); err != nil {
			s.askFailed(w, r, v, err)
			return
		}
		if preview {
			v.Preview = template.HTML(in.HTML)
			s.showPage(w, r, "ask", v, http.StatusOK)
			return
		}
		t, _, err := s.store.CreateThread(r.Context(), in)
		if err != nil {
			s.askFailed(w, r, v, err)
			return
		}
		s.changed(r.Context(), events.Event{Kind: events.ThreadAdded, ThreadID: t.ID, Lists: listKeys(t.TopicID, t.SubtopicID, in.TagIDs)})
		http.Redirect(w, r, threadLink(t.ID), http.StatusSeeOther)
	})
}

func (s *Server) askFailed(w http.ResponseWriter, r *http.Request, v *askView, err error) {
	s.refuse(w, r, "ask", v, &v.form, err)
}

// resolveTags turns "Network, URLSession" into tag ids, accepting names or addresses in
// any case. Only existing tags can be chosen: creating tags is for staff.
func (s *Server) resolveTags(r *http.Request, typed string) ([]int64, error) {
	var ids []int64
	for _, name := range strings.Split(typed, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		tag, err := s.store.TagBySlug(r.Context(), parley.Slugify(name))
		if errors.Is(err, parley.ErrNotFound) {
			return nil, parley.Invalid("tags", "There is no tag “%s”; choose existing tags (new tags are made by staff).", name)
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, tag.ID)
	}
	return ids, nil
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
