package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html/atom"
)

// memberData is the part of a member's download the test reads.
type memberData struct {
	Profile struct {
		Handle string `json:"handle"`
	} `json:"profile"`
	Posts []struct {
		ID          int64  `json:"id"`
		ThreadID    int64  `json:"thread_id"`
		ThreadTitle string `json:"thread_title"`
		Body        string `json:"body"`
		Original    bool   `json:"original"`
	} `json:"posts"`
	Boosts []struct {
		PostID    int64     `json:"post_id"`
		ThreadID  int64     `json:"thread_id"`
		CreatedAt time.Time `json:"created_at"`
	} `json:"boosts"`
}

// download fetches /account/data as b and reads it.
func (b *browser) download() (*http.Response, memberData) {
	b.t.Helper()
	res, err := b.c.Get(b.site.URL + "/account/data")
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var d memberData
	if res.StatusCode == http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		if err := json.Unmarshal(body, &d); err != nil {
			b.t.Fatalf("the download is not JSON: %v\n%s", err, body)
		}
	}
	return res, d
}

// TestMemberDataDownload: a member downloads their own profile and posts from the account
// page; another member gets only theirs, and a reader without a session is sent to sign in.
func TestMemberDataDownload(t *testing.T) {
	site := newSite(t, tinyForum)
	asker := signedIn(t, site, "asker")
	fields := map[string]string{"title": "Wombat burrows time out on cellular", "subtopic": itoa(firstSubtopic(t, site).ID),
		"tags": "network", "body": "My wombat tracker fails offline.", "action": "post"}
	if res, _ := asker.submit("/ask", fields); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("asking answered %d", res.StatusCode)
	}
	_, account := asker.get("/account/password")
	if find(account, withAttr(atom.A, "href", "/account/data")) == nil {
		t.Error("the account page has no link to download my data")
	}

	res, mine := asker.download()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("the asker's download answered %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("the download is sent with %q and %q; want a file no cache keeps", res.Header.Get("Content-Disposition"), res.Header.Get("Cache-Control"))
	}
	if mine.Profile.Handle != "asker" || len(mine.Posts) != 1 || mine.Posts[0].ThreadTitle != fields["title"] ||
		mine.Posts[0].Body != fields["body"] || !mine.Posts[0].Original {
		t.Errorf("the asker downloaded %+v; want their profile and their one question", mine)
	}

	if len(mine.Boosts) != 0 {
		t.Errorf("the asker, who boosted nothing, downloaded the boosts %+v", mine.Boosts)
	}

	bystander := signedIn(t, site, "bystander")
	_, theirs := bystander.download()
	if theirs.Profile.Handle != "bystander" || len(theirs.Posts) != 0 || len(theirs.Boosts) != 0 {
		t.Errorf("another member downloaded %+v; want their own empty record, not the asker's", theirs)
	}
	question := mine.Posts[0]
	if res, _ := bystander.postForm("/posts/"+itoa(question.ID)+"/boost", url.Values{"on": {"1"}}); res.StatusCode >= 400 {
		t.Fatalf("boosting the question answered %d", res.StatusCode)
	}
	_, theirs = bystander.download()
	if len(theirs.Boosts) != 1 || theirs.Boosts[0].PostID != question.ID || theirs.Boosts[0].ThreadID != question.ThreadID ||
		theirs.Boosts[0].CreatedAt.IsZero() {
		t.Errorf("the member who boosted the question downloaded the boosts %+v; want post %d of thread %d, with when",
			theirs.Boosts, question.ID, question.ThreadID)
	}
	if _, mine = asker.download(); len(mine.Boosts) != 0 {
		t.Errorf("the asker, whose question was boosted, downloaded the boosts %+v; want only those they gave", mine.Boosts)
	}
	res, _ = newBrowser(t, site).download()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("a reader without a session got %d to %q; want to be sent to sign in", res.StatusCode, res.Header.Get("Location"))
	}
}
