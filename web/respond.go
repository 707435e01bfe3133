package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	parley "github.com/parley-forum/parley"
)

var (
	markupPool = sync.Pool{New: func() any { return new(markup) }}
	gzipPool   = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return w }}
	// crc32c runs in hardware: an ETag costs microseconds even for a large page, and
	// every node computes the same one for the same content.
	crcTable = crc32.MakeTable(crc32.Castagnoli)
)

// rendered is a response body with what it takes to send it: its type, its time, an ETag
// derived from the content (the same on every node), and its gzip form, made the first
// time a client asks for it. The page cache keeps rendered values and serves them again.
type rendered struct {
	contentType string
	modified    time.Time
	body        []byte
	etag        string

	gzipOnce sync.Once
	gzipped  []byte
}

func newRendered(contentType string, modified time.Time, body []byte) *rendered {
	if !modified.IsZero() {
		modified = modified.Truncate(time.Second) // HTTP dates have whole seconds
	}
	etag := fmt.Sprintf(`"%08x%x`, crc32.Checksum(body, crcTable), len(body))
	return &rendered{contentType: contentType, modified: modified, body: body, etag: etag}
}

func (p *rendered) gzipBody() []byte {
	p.gzipOnce.Do(func() {
		var z bytes.Buffer
		gz := gzipPool.Get().(*gzip.Writer)
		gz.Reset(&z)
		gz.Write(p.body)
		gz.Close()
		gzipPool.Put(gz)
		p.gzipped = z.Bytes()
	})
	return p.gzipped
}

// serve sends the body with the headers every page and feed carries: ETag, Last-Modified
// when the content has a time, and gzip when the client asks for it. http.ServeContent
// answers conditional requests with 304 and HEAD without a body.
func (p *rendered) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", p.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Add("Vary", "Accept-Encoding")
	body, etag := p.body, p.etag
	if len(body) > 1024 && acceptsGzip(r) {
		body, etag = p.gzipBody(), etag+"-gz" // another representation, another tag
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag+`"`)
	http.ServeContent(w, r, "", p.modified, bytes.NewReader(body))
}

// send answers with a freshly rendered body, and keeps a copy in the page cache when the
// request may be answered from it.
func (s *Server) send(w http.ResponseWriter, r *http.Request, contentType string, modified time.Time, body []byte) {
	if s.cache.accepts(r) {
		body = bytes.Clone(body) // body may be a pooled buffer
	}
	p := newRendered(contentType, modified, body)
	s.cache.put(r, p)
	p.serve(w, r)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, param, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		// A weight of zero, however written (q=0, q=0.0, q=0.000), refuses the coding.
		q, weighted := strings.CutPrefix(strings.TrimSpace(param), "q=")
		w, err := strconv.ParseFloat(q, 64)
		return !weighted || err != nil || w > 0
	}
	return false
}

// getMarkup and putMarkup lend the buffers pages are written into.
func getMarkup() *markup { return markupPool.Get().(*markup) }

func putMarkup(m *markup) {
	if cap(m.b) > 1<<20 {
		return // let unusually large buffers go rather than pinning their memory
	}
	m.b = m.b[:0]
	markupPool.Put(m)
}

// statusFor maps a domain error code to its HTTP status, in one place.
func statusFor(err error) int {
	switch parley.ErrorCode(err) {
	case parley.ENotFound:
		return http.StatusNotFound
	case parley.EInvalid:
		return http.StatusBadRequest
	case parley.EConflict:
		return http.StatusConflict
	case parley.EUnauthorized:
		return http.StatusUnauthorized
	case parley.EForbidden:
		return http.StatusForbidden
	case parley.ETooMany:
		return http.StatusTooManyRequests
	case parley.EUnsupported:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

// renderError answers with the error's status and safe message: an HTML page for people,
// application/problem+json for API clients. Internal errors are logged with their detail,
// which is never shown.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	s.renderErrorLinking(w, r, err, crumb{})
}

// renderErrorLinking is renderError with a link, on the HTML page, to where the reader may
// go instead.
func (s *Server) renderErrorLinking(w http.ResponseWriter, r *http.Request, err error, instead crumb) {
	status := statusFor(err)
	if status >= 500 {
		s.log.Error("internal error", "path", r.URL.Path, "err", err)
	}
	msg := parley.ErrorMessage(err)
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/problem+json") {
		writeProblem(w, status, msg)
		return
	}
	page := errorPage{page: s.newPage(r, http.StatusText(status)), Status: status, Message: msg, Instead: instead}
	body, renderErr := s.pages.render("error", &page)
	if renderErr != nil {
		s.log.Error("render error page", "err", renderErr)
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

// writeProblem writes an RFC 9457 problem document.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}{"about:blank", http.StatusText(status), status, detail})
}

// handleNotFound answers every URL no route matches.
func (s *Server) handleNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, parley.NotFound("There is no page at this address."))
	})
}
