package web

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	parley "github.com/parley-forum/parley"
)

// fileCSP is the policy of an attached file itself: nothing loads, nothing runs, and a
// browser that opens the file as a document sandboxes it. With the stored type, nosniff
// and a download disposition for text, a file can only ever be a picture or text.
const fileCSP = "default-src 'none'; sandbox"

// fileLink is the address of an attached file; the name is part of it so that a saved
// link and a browser's download both carry it.
func fileLink(a *parley.Attachment) string {
	return "/attachments/" + strconv.FormatInt(a.ID, 10) + "/" + url.PathEscape(a.Name)
}

// viewLink is the address of a text file's page, with numbered lines.
func viewLink(a *parley.Attachment) string { return "/attachments/" + strconv.FormatInt(a.ID, 10) }

// fileFacts says in a few words what a file is: "640×480 · 120 KB", "340 lines · 12 KB".
func fileFacts(f parley.File) string {
	if f.IsImage() {
		return strconv.Itoa(f.Width) + "×" + strconv.Itoa(f.Height) + " · " + parley.SpellSize(f.Size)
	}
	return plural(int64(f.Lines), "line") + " · " + parley.SpellSize(f.Size)
}

// loadAttachment returns the attachment in the URL and the post it belongs to. The post is
// read through the store like any other, so a post a reader may not see (hidden by a
// moderator) takes its files with it.
func (s *Server) loadAttachment(r *http.Request) (parley.Attachment, parley.Post, error) {
	id, err := pathID(r, "attachment")
	if err != nil {
		return parley.Attachment{}, parley.Post{}, err
	}
	a, err := s.store.Attachment(r.Context(), id)
	if err != nil {
		return a, parley.Post{}, err
	}
	p, err := s.readablePost(r, a.PostID) // a hidden post's files are hidden with it
	if errors.Is(err, parley.ErrNotFound) {
		err = parley.NotFound("There is no file %d.", id)
	}
	return a, p, err
}

// handleAttachment sends a file as it was uploaded, with the type decided from its bytes
// then: images to be shown, text to be saved (its page, handleAttachmentView, shows it).
// A file's content never changes, so it may be kept an hour and revalidated by its digest;
// not longer, so that a file whose post is hidden stops being served soon after.
func (s *Server) handleAttachment() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, _, err := s.loadAttachment(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if r.PathValue("name") != a.Name {
			http.Redirect(w, r, fileLink(&a), http.StatusMovedPermanently)
			return
		}
		content, err := s.cfg.Blobs.Open(r.Context(), a.SHA256)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		defer content.Close()
		disposition := "attachment"
		if a.IsImage() {
			disposition = "inline"
		}
		h := w.Header()
		h.Set("Content-Type", a.ContentType)
		h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.Name}))
		h.Set("Content-Security-Policy", fileCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("ETag", `"`+a.SHA256+`"`)
		http.ServeContent(w, r, "", a.CreatedAt, content)
	})
}

// A text file's page shows its first lines and folds the rest into a <details> the reader
// opens; beyond viewMaxBytes it offers the download instead, so that a page stays a page.
const (
	viewOpenLines = 100
	viewMaxBytes  = 1 << 20
)

// attachmentView is a text file's page.
type attachmentView struct {
	page
	File      parley.Attachment
	FileURL   string
	Post      parley.Post
	PostURL   string
	Thread    parley.Thread
	Lines     template.HTML
	Shown     int  // lines on the page
	Cut       bool // the file goes on past what the page shows
	Collapsed bool
}

// handleAttachmentView shows a text file with numbered lines, which work without
// JavaScript (an ordered list) and can be linked to (#L12). An image has no page of its
// own: its address is the image.
func (s *Server) handleAttachmentView() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, p, err := s.loadAttachment(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if a.IsImage() {
			http.Redirect(w, r, fileLink(&a), http.StatusFound)
			return
		}
		t, err := s.readableThread(r, p.ThreadID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		text, err := s.readText(r, a)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &attachmentView{page: s.newPage(r, a.Name), File: a, FileURL: fileLink(&a), Post: p, PostURL: postLink(p), Thread: t}
		v.Cut = int64(len(text)) < a.Size
		v.Lines, v.Shown, v.Collapsed = numberedLines(text)
		if err := s.threadCrumbs(r, &v.page, t); err != nil {
			s.renderError(w, r, err)
			return
		}
		v.Crumbs = append(v.Crumbs, crumb{t.Title, threadLink(t.ID)})
		s.htmlUncached(w, r, "attachment", v, a.CreatedAt)
	})
}

// readText reads as much of a text file as its page shows, ending on a whole character.
func (s *Server) readText(r *http.Request, a parley.Attachment) ([]byte, error) {
	content, err := s.cfg.Blobs.Open(r.Context(), a.SHA256)
	if err != nil {
		return nil, err
	}
	defer content.Close()
	text, err := io.ReadAll(io.LimitReader(content, viewMaxBytes))
	if err != nil {
		return nil, err
	}
	for len(text) > 0 && !utf8.Valid(text[max(0, len(text)-utf8.UTFMax):]) {
		text = text[:len(text)-1]
	}
	return text, nil
}

// numberedLines renders text as numbered lines, each with an id to link to: the first
// viewOpenLines shown, the others folded away when there are more than a few of them.
func numberedLines(text []byte) (html template.HTML, shown int, collapsed bool) {
	text = bytes.TrimSuffix(text, []byte("\n"))
	lines := bytes.Split(text, []byte("\n"))
	m := markup{b: make([]byte, 0, len(text)+len(lines)*24+256)}
	open := len(lines)
	if open > viewOpenLines+viewOpenLines/5 {
		open, collapsed = viewOpenLines, true
	}
	m.lines(lines[:open], 1)
	if collapsed {
		m.raw(`<details class="more-lines"><summary>Show lines `)
		m.int(int64(open + 1))
		m.raw(` to `)
		m.int(int64(len(lines)))
		m.raw(`</summary>`)
		m.lines(lines[open:], open+1)
		m.raw(`</details>`)
	}
	return m.html(), len(lines), collapsed
}

// lines writes an ordered list of lines numbered from first.
func (m *markup) lines(lines [][]byte, first int) {
	m.raw(`<ol class="lines" start="`)
	m.int(int64(first))
	m.raw(`">`)
	for i, line := range lines {
		m.raw("\n<li id=\"L")
		m.int(int64(first + i))
		m.raw(`">`)
		m.text(string(bytes.TrimSuffix(line, []byte("\r"))))
		m.raw(`</li>`)
	}
	m.raw("</ol>\n")
}
