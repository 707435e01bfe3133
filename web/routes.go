package web

import "net/http"

// route is one URL pattern the site answers and who may use it.
type route struct {
	pattern string // as http.ServeMux takes it: "METHOD /path/{var}"
	handler http.Handler
	// signedIn routes send readers without a session to sign in first. What a signed-in
	// user may do beyond that is decided by parley.Allowed (policy.go at the root).
	signedIn bool
}

// routeTable lists every URL the site answers; it follows the URL table in DESIGN.md §3.
// Pages and feeds that every reader sees alike go through s.cached, naming the query
// parameters they read; the thread page checks the cache itself, after counting the view. A list URL with .rss or .atom appended answers
// the same list as a feed: the handlers for {tag}, {subtopic} and {id} see the suffix.
func (s *Server) routeTable() []route {
	return []route{
		{"GET /{$}", s.cached(s.handleHome()), false},
		{"GET /threads", s.cached(s.handleAllThreads(formatHTML), listQuery...), false},
		{"GET /threads.rss", s.cached(s.handleAllThreads(formatRSS), listQuery...), false},
		{"GET /threads.atom", s.cached(s.handleAllThreads(formatAtom), listQuery...), false},
		{"GET /threads/{id}", s.cacheable(s.handleThread(), "after"), false},
		{"GET /threads/{id}/{slug}", s.handleThreadSlug(), false},
		{"GET /posts/{id}/revisions", s.cached(s.handleRevisions(), "from", "to"), false},
		{"GET /threads/{id}/live", s.handleThreadLive(), false},
		{"GET /live", s.handleListLive(), false},
		{"GET /attachments/{id}", s.handleAttachmentView(), false},
		{"GET /attachments/{id}/{name}", s.handleAttachment(), false},

		{"GET /topics/{topic}", s.cached(s.handleTopic(), listQuery...), false},
		{"GET /topics/{topic}/{subtopic}", s.cached(s.handleSubtopic(), listQuery...), false},
		{"GET /tags", s.cached(s.handleTagIndex()), false},
		{"GET /tags/{tag}", s.cached(s.handleTag(), listQuery...), false},
		{"GET /users/{handle}", s.cached(s.handleUser(), "before"), false},
		{"GET /search", s.cachedSearch(s.handleSearch(formatHTML)), false},
		{"GET /search.rss", s.cachedSearch(s.handleSearch(formatRSS)), false},
		{"GET /search.atom", s.cachedSearch(s.handleSearch(formatAtom)), false},
		{"GET /opensearch.xml", s.cached(s.handleOpenSearch()), false},

		{"GET /ask", s.handleAskForm(), true},
		{"GET /ask/similar", s.handleSimilar(), false},
		{"POST /ask", s.handleAsk(), true},
		{"POST /threads/{id}/replies", s.handleReply(), true},
		{"POST /threads/{id}/accept", s.handleAccept(), true},
		{"GET /posts/{id}/edit", s.handleEditForm(), true},
		{"POST /posts/{id}/edit", s.handleEdit(), true},
		{"POST /posts/{id}/recommend", s.handleRecommend(), true},
		{"POST /posts/{id}/boost", s.handleBoost(), true},
		{"GET /posts/{id}/flag", s.handleFlagForm(), true},
		{"POST /posts/{id}/flag", s.handleFlag(), true},

		{"POST /posts/{id}/hide", s.handleHide(), true},
		{"POST /threads/{id}/lock", s.handleLock(), true},
		{"POST /threads/{id}/pin", s.handlePin(), true},
		{"POST /threads/{id}/move", s.handleMove(), true},
		{"POST /threads/{id}/retag", s.handleRetag(), true},
		{"POST /threads/{id}/duplicate", s.handleDuplicate(), true},
		{"POST /threads/{id}/delete", s.handleDeleteThread(), true},
		{"POST /users/{handle}/suspend", s.handleSuspend(), true},
		{"GET /moderation", s.handleQueue(), true},
		{"POST /moderation/posts/{id}/dismiss", s.handleDismiss(), true},
		{"GET /moderation/log", s.handleLog(), true},

		{"GET /admin", s.handleAdmin(), true},
		{"GET /admin/topics/new", s.nameFormPage(s.newTopicForm()), true},
		{"POST /admin/topics/new", s.nameFormSave(s.newTopicForm()), true},
		{"GET /admin/topics/{id}", s.nameFormPage(s.editTopicForm()), true},
		{"POST /admin/topics/{id}", s.nameFormSave(s.editTopicForm()), true},
		{"GET /admin/topics/{id}/subtopics/new", s.nameFormPage(s.newSubtopicForm()), true},
		{"POST /admin/topics/{id}/subtopics/new", s.nameFormSave(s.newSubtopicForm()), true},
		{"GET /admin/subtopics/{id}", s.nameFormPage(s.editSubtopicForm()), true},
		{"POST /admin/subtopics/{id}", s.nameFormSave(s.editSubtopicForm()), true},
		{"GET /admin/tags/new", s.nameFormPage(s.newTagForm()), true},
		{"POST /admin/tags/new", s.nameFormSave(s.newTagForm()), true},
		{"GET /admin/tags/{id}", s.nameFormPage(s.editTagForm()), true},
		{"POST /admin/tags/{id}", s.nameFormSave(s.editTagForm()), true},
		{"GET /admin/users/{handle}", s.handleUserEditForm(), true},
		{"POST /admin/users/{handle}", s.handleUserEdit(), true},

		{"GET /signup", s.handleSignupForm(), false},
		{"POST /signup", s.handleSignup(), false},
		{"GET /login", s.handleLoginForm(), false},
		{"POST /login", s.handleLogin(), false},
		{"GET /logout", s.handleLogoutForm(), false},
		{"POST /logout", s.handleLogout(), false},
		{"GET /account", s.handleAccount(), true},
		{"POST /account/verify", s.handleRequestVerification(), true},
		{"GET /account/verify/{token}", s.handleVerifyForm(), false},
		{"POST /account/verify/{token}", s.handleVerify(), false},
		{"GET /password/forgot", s.handleForgotForm(), false},
		{"POST /password/forgot", s.handleForgot(), false},
		{"GET /password/reset/{token}", s.handleResetForm(), false},
		{"POST /password/reset/{token}", s.handleReset(), false},
		{"GET /account/password", s.handlePasswordForm(), true},
		{"POST /account/password", s.handlePassword(), true},
		{"GET /account/data", s.handleMemberData(), true},
		{"GET /account/notifications", s.handleSettingsForm(), true},
		{"POST /account/notifications", s.handleSettings(), true},
		{"GET /notifications", s.handleNotifications(), true},
		{"GET /notifications/live", s.handleNotificationsLive(), true},
		{"POST /notifications/read", s.handleMarkRead(true), true},
		{"POST /notifications/{id}/read", s.handleMarkRead(false), true},
		{"POST /watch", s.handleWatch(), true},
		{"GET /unsubscribe/{token}", s.handleUnsubscribeForm(), false},
		{"POST /unsubscribe/{token}", s.handleUnsubscribe(), false},

		{"GET /static/{file}", s.assets, false},
		{"GET /favicon.ico", s.assets.redirect("favicon.svg"), false},
		{"GET /healthz", handleHealth(), false},
		{"GET /readyz", s.handleReady(), false},
		{"GET /metrics", s.handleMetrics(), false},
		{"/", s.handleNotFound(), false},
	}
}

func (s *Server) routes(mux *http.ServeMux) {
	for _, rt := range s.routeTable() {
		h := rt.handler
		if rt.signedIn {
			h = s.requireUser(h)
		}
		mux.Handle(rt.pattern, h)
	}
}

// Route describes one URL pattern the site answers.
type Route struct {
	Pattern  string
	SignedIn bool // readers without a session are sent to sign in
}

// Routes lists the patterns the site answers, for tests that must cover every route (the
// authorization matrix) and for documentation.
func (s *Server) Routes() []Route {
	var out []Route
	for _, rt := range s.routeTable() {
		out = append(out, Route{rt.pattern, rt.signedIn})
	}
	return out
}
