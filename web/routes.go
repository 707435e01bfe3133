package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes lists every URL the site answers; it follows the URL table in DESIGN.md §3.
// Pages and feeds that every reader sees alike go through s.cached; the thread page checks
// the cache itself, after counting the view.
// A list URL with .rss or .atom appended answers the same list as a feed: the handlers
// for {tag}, {subtopic} and {id} see the suffix and switch to feed output.
func (s *Server) routes(mux *http.ServeMux) {
	mux.Handle("GET /{$}", s.cached(s.handleHome()))
	mux.Handle("GET /threads", s.cached(s.handleAllThreads(formatHTML)))
	mux.Handle("GET /threads.rss", s.cached(s.handleAllThreads(formatRSS)))
	mux.Handle("GET /threads.atom", s.cached(s.handleAllThreads(formatAtom)))
	mux.Handle("GET /threads/{id}", s.handleThread())
	mux.Handle("GET /threads/{id}/{slug}", s.handleThreadSlug())
	mux.Handle("GET /posts/{id}/revisions", s.cached(s.handleRevisions()))

	mux.Handle("GET /topics/{topic}", s.cached(s.handleTopic()))
	mux.Handle("GET /topics/{topic}/{subtopic}", s.cached(s.handleSubtopic()))
	mux.Handle("GET /tags", s.cached(s.handleTagIndex()))
	mux.Handle("GET /tags/{tag}", s.cached(s.handleTag()))
	mux.Handle("GET /users/{handle}", s.cached(s.handleUser()))

	mux.Handle("GET /ask", s.requireUser(s.handleAskForm()))
	mux.Handle("POST /ask", s.requireUser(s.handleAsk()))
	mux.Handle("POST /threads/{id}/replies", s.requireUser(s.handleReply()))
	mux.Handle("POST /threads/{id}/accept", s.requireUser(s.handleAccept()))
	mux.Handle("GET /posts/{id}/edit", s.requireUser(s.handleEditForm()))
	mux.Handle("POST /posts/{id}/edit", s.requireUser(s.handleEdit()))
	mux.Handle("POST /posts/{id}/recommend", s.requireUser(s.handleRecommend()))

	mux.Handle("GET /signup", s.handleSignupForm())
	mux.Handle("POST /signup", s.handleSignup())
	mux.Handle("GET /login", s.handleLoginForm())
	mux.Handle("POST /login", s.handleLogin())
	mux.Handle("GET /logout", s.handleLogoutForm())
	mux.Handle("POST /logout", s.handleLogout())
	mux.Handle("GET /account/password", s.requireUser(s.handlePasswordForm()))
	mux.Handle("POST /account/password", s.requireUser(s.handlePassword()))

	mux.Handle("GET /static/{file}", s.assets)
	mux.Handle("GET /favicon.ico", s.assets.redirect("favicon.svg"))
	mux.Handle("GET /healthz", handleHealth())
	mux.Handle("GET /readyz", s.handleReady())
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.gatherer, promhttp.HandlerOpts{}))
	mux.Handle("/", s.handleNotFound())
}
