package storetest

import (
	"testing"

	parley "github.com/parley-forum/parley"
)

func testStructure(t *testing.T, e *env) {
	a, err := e.s.CreateTopic(e.ctx, parley.NewTopic{Slug: "app-services", Name: "App & System Services", Position: 2})
	must(t, err)
	b, err := e.s.CreateTopic(e.ctx, parley.NewTopic{Slug: "tools", Name: "Developer Tools", Position: 1})
	must(t, err)
	_, err = e.s.CreateTopic(e.ctx, parley.NewTopic{Slug: "tools", Name: "Again"})
	wantCode(t, err, parley.EConflict)
	_, err = e.s.CreateTopic(e.ctx, parley.NewTopic{Slug: "Bad Slug", Name: "x"})
	wantCode(t, err, parley.EInvalid)

	net, err := e.s.CreateSubtopic(e.ctx, parley.NewSubtopic{TopicID: a.ID, Slug: "networking", Name: "Networking", Position: 2})
	must(t, err)
	_, err = e.s.CreateSubtopic(e.ctx, parley.NewSubtopic{TopicID: a.ID, Slug: "core-os", Name: "Core OS", Position: 1})
	must(t, err)
	_, err = e.s.CreateSubtopic(e.ctx, parley.NewSubtopic{TopicID: b.ID, Slug: "networking", Name: "Same slug, other topic"})
	must(t, err)
	_, err = e.s.CreateSubtopic(e.ctx, parley.NewSubtopic{TopicID: a.ID, Slug: "networking", Name: "Twice"})
	wantCode(t, err, parley.EConflict)
	_, err = e.s.CreateSubtopic(e.ctx, parley.NewSubtopic{TopicID: 9999, Slug: "x", Name: "x"})
	isNotFound(t, err)

	topics, err := e.s.Topics(e.ctx)
	must(t, err)
	if len(topics) != 2 || topics[0].Slug != "tools" || topics[1].Slug != "app-services" {
		t.Fatalf("topics out of position order: %+v", topics)
	}
	if subs := topics[1].Subtopics; len(subs) != 2 || subs[0].Slug != "core-os" || subs[1].ID != net.ID {
		t.Fatalf("subtopics of %s out of order: %+v", topics[1].Slug, subs)
	}
	got, err := e.s.TopicBySlug(e.ctx, "app-services")
	must(t, err)
	if got.Name != "App & System Services" || len(got.Subtopics) != 2 {
		t.Errorf("TopicBySlug: %+v", got)
	}
	_, err = e.s.TopicBySlug(e.ctx, "nope")
	isNotFound(t, err)

	tag, err := e.s.CreateTag(e.ctx, parley.NewTag{Slug: "network", Name: "Network", Description: "Sockets & more"})
	must(t, err)
	_, err = e.s.CreateTag(e.ctx, parley.NewTag{Slug: "network", Name: "Network"})
	wantCode(t, err, parley.EConflict)
	byslug, err := e.s.TagBySlug(e.ctx, "network")
	must(t, err)
	if byslug != tag || byslug.Description != "Sockets & more" {
		t.Errorf("TagBySlug = %+v, want %+v", byslug, tag)
	}
	_, err = e.s.TagBySlug(e.ctx, "nope")
	isNotFound(t, err)
}

func testUsers(t *testing.T, e *env) {
	u, err := e.s.CreateUser(e.ctx, parley.NewUser{Handle: "Quinn", DisplayName: "Quinn Taylor", Role: parley.RoleStaff,
		Badge: "DTS Engineer", Signature: "Share and Enjoy", SignatureHTML: "<p>Share and Enjoy</p>"})
	must(t, err)
	if !u.CreatedAt.Equal(e.clock.Now()) || u.Role != parley.RoleStaff {
		t.Errorf("created user %+v", u)
	}
	got, err := e.s.UserByHandle(e.ctx, "quinn")
	must(t, err)
	if got.ID != u.ID || got.Badge != "DTS Engineer" || got.SignatureHTML != "<p>Share and Enjoy</p>" {
		t.Errorf("UserByHandle = %+v", got)
	}
	_, err = e.s.CreateUser(e.ctx, parley.NewUser{Handle: "QUINN", DisplayName: "Other"})
	wantCode(t, err, parley.EInvalid)
	_, err = e.s.CreateUser(e.ctx, parley.NewUser{Handle: "bad handle!", DisplayName: "x"})
	wantCode(t, err, parley.EInvalid)
	_, err = e.s.CreateUser(e.ctx, parley.NewUser{Handle: "someone", DisplayName: "x", Role: "god"})
	wantCode(t, err, parley.EInvalid)
	_, err = e.s.UserByHandle(e.ctx, "nobody")
	isNotFound(t, err)
	_, err = e.s.UserByID(e.ctx, 424242)
	isNotFound(t, err)
}
