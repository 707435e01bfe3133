package web

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// handleHealth answers liveness: the process serves HTTP.
func handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}

// Check is one dependency /readyz reports on.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// handleReady answers readiness: every dependency (the database, and the event listener
// when events cross nodes) answers within a second. Each is reported on its own line.
func (s *Server) handleReady() http.Handler {
	checks := append([]Check{{"database", s.ready.Ping}}, s.cfg.Checks...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		var report strings.Builder
		status := http.StatusOK
		for _, c := range checks {
			if err := c.Ping(ctx); err != nil {
				s.log.Warn("not ready", "check", c.Name, "err", err)
				status = http.StatusServiceUnavailable
				report.WriteString(c.Name + ": unavailable\n")
				continue
			}
			report.WriteString(c.Name + ": ok\n")
		}
		w.WriteHeader(status)
		w.Write([]byte(report.String()))
	})
}
