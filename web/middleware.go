package web

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus figures the site exports, on their own registry so that tests
// can build many servers in one process.
type metrics struct {
	gatherer prometheus.Gatherer
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(extra ...prometheus.Collector) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		gatherer: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "parley_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(extra...)
	return m
}

// MetricsHandler serves the Prometheus figures to anyone who reaches it, for an address
// only operators reach (parley serve's --metrics-addr). The site's own /metrics is
// handleMetrics.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.gatherer, promhttp.HandlerOpts{})
}

// handleMetrics serves the figures on the site's public address only to a bearer of
// Config.MetricsToken: they tell which pages are served, how often and how slowly, which
// is not for everyone. Without a token configured it answers as if there were no page.
func (s *Server) handleMetrics() http.Handler {
	metrics := s.MetricsHandler()
	want := sha256.Sum256([]byte(s.cfg.MetricsToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.MetricsToken == "" {
			s.renderError(w, r, parley.NotFound("There is no page at this address."))
			return
		}
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		got := sha256.Sum256([]byte(token)) // compared as hashes: equal lengths, constant time
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			s.renderError(w, r, parley.Errorf(parley.EUnauthorized, "The metrics need the metrics token."))
			return
		}
		metrics.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status and size of a response for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// ReadFrom sends a body. A file goes through the connection's ReadFrom, which hands it to
// the kernel (sendfile); anything else, such as a page from memory that http.ServeContent
// sends, is copied with a pooled buffer, since the connection's ReadFrom would make a new
// one as large as the body for every response.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok && isFile(r) {
		n, err = rf.ReadFrom(r)
	} else {
		buf := copyBuffers.Get().(*[]byte)
		n, err = io.CopyBuffer(struct{ io.Writer }{w.ResponseWriter}, r, *buf)
		copyBuffers.Put(buf)
	}
	w.bytes += int(n)
	return n, err
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// isFile reports whether r reads a file, alone or within a limit, as the kernel can send it.
func isFile(r io.Reader) bool {
	if lr, ok := r.(*io.LimitedReader); ok {
		r = lr.R
	}
	_, ok := r.(*os.File)
	return ok
}

// Unwrap lets http.ResponseController reach the underlying writer (for flushing streams).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("hijacking not supported")
}

// routeNote carries the route pattern the mux matched out to observe. observe cannot read
// it from its own request: the layers between them (withSession, readYourWrites) hand
// copies of the request inward, and the mux sets the pattern on the copy it receives.
type routeNote struct{ pattern string }

type routeNoteKey struct{}

// observe logs every request and counts it by route pattern (not by raw path, which would
// give every thread its own time series); a request refused before the mux, or matching
// no route, counts as "unmatched".
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		note := &routeNote{pattern: "unmatched"}
		r = r.WithContext(context.WithValue(r.Context(), routeNoteKey{}, note))
		next.ServeHTTP(sw, r)
		took := time.Since(start)
		route := note.pattern
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(took.Seconds())
		s.log.LogAttrs(r.Context(), levelFor(sw.status), "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", route),
			slog.Int("status", sw.status), slog.Int("bytes", sw.bytes), slog.Duration("took", took))
	})
}

// notePattern serves a request through mux and writes the pattern it matched into
// observe's note; it is the innermost layer, the one that sees the mux's request.
func notePattern(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if note, ok := r.Context().Value(routeNoteKey{}).(*routeNote); ok && r.Pattern != "" {
			note.pattern = r.Pattern
		}
	})
}

// recoverPanics turns a handler's panic into a logged 500 instead of a dropped connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "path", r.URL.Path, "panic", v)
				s.renderError(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows scripts and styles only from the site's own files (no
// inline script anywhere), images also from https (posts embed screenshots), and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// strictTransport tells browsers to reach the site only over https for a year, once they
// have seen it there. Not includeSubDomains: the forum's domain may hold other sites still
// served over http, which it must not break; not preload, which is the domain owner's
// choice and slow to undo.
const strictTransport = "max-age=31536000"

// securityHeaders sets the headers every answer carries; Strict-Transport-Security only
// when the site is served over https, as browsers ignore it over http anyway.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if s.secure(r) {
			h.Set("Strict-Transport-Security", strictTransport)
		}
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// levelFor logs server errors as errors and everything else as information.
func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
