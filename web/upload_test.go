package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
)

// folderSite is a site whose files live in a folder the test can look into.
func folderSite(t *testing.T, wcfg web.Config) (*testSite, blob.Store) {
	t.Helper()
	blobs, err := blob.NewDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	wcfg.Blobs = blobs
	return newSiteWith(t, tinyForum, wcfg), blobs
}

func digestOf(f sentFile) string {
	sum := sha256.Sum256(f.content)
	return hex.EncodeToString(sum[:])
}

// stored reports whether the blob store holds f's content.
func stored(t *testing.T, blobs blob.Store, f sentFile) bool {
	t.Helper()
	r, err := blobs.Open(context.Background(), digestOf(f))
	if errors.Is(err, parley.ErrNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	return true
}

// TestSuspendedMembersStoreNoFiles previews a question and replies with a file as a
// suspended member: both are refused before any file is stored, so a suspension cannot be
// worked around to fill the disk.
func TestSuspendedMembersStoreNoFiles(t *testing.T) {
	site, blobs := folderSite(t, web.Config{})
	ctx := context.Background()
	_, mod := signedInWithRole(t, site, "warden", parley.RoleModerator)
	b, troll := signedInWithRole(t, site, "filler", parley.RoleMember)
	if err := site.Store.SuspendUser(ctx, troll.ID, time.Now().Add(72*time.Hour), parley.Audit{ActorID: mod.ID, Reason: "Spam"}); err != nil {
		t.Fatal(err)
	}
	log := textFile("filler.log", strings.Repeat("fill the disk\n", 100))
	fields := question(t, site, "A question from a suspended member")
	fields["action"] = "preview"
	b.get("/ask") // for the form token
	fields["csrf"] = csrfOf(t, b)
	res, doc := b.postFiles("/ask", urlValues(fields), log)
	if res.StatusCode != http.StatusForbidden || !strings.Contains(textOf(doc), "suspended until") {
		t.Errorf("a suspended member's preview with a file answered %d, want 403 saying so", res.StatusCode)
	}
	reply := textFile("reply.log", "another way to fill the disk\n")
	res, _ = b.postFiles(threadPath(2)+"/replies", urlValues(map[string]string{"body": "Here.", "csrf": fields["csrf"]}), reply)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a suspended member's reply with a file answered %d, want 403", res.StatusCode)
	}
	for _, f := range []sentFile{log, reply} {
		if stored(t, blobs, f) {
			t.Errorf("%s was stored for a suspended member", f.name)
		}
	}
}

// TestAwkwardFileNames sends files whose names hold a quote or a line break, written into
// the multipart body by hand the ways clients write them: escaped as browsers do (%22,
// %0D%0A), with a backslash, or raw. Each file is taken under its name cleaned of what
// cannot be shown, and a part whose header cannot be read at all is named in the refusal;
// none is dropped without a word.
func TestAwkwardFileNames(t *testing.T) {
	site, _ := folderSite(t, web.Config{})
	b := signedIn(t, site, "namer")
	b.get("/ask") // for the form token
	fields := question(t, site, "A question with awkward file names")
	fields["action"] = "preview"
	fields["csrf"] = csrfOf(t, b)
	for _, tc := range []struct {
		name, disposition string
		// kept is the name the file is kept under, or "" when the form is refused with
		// problem.
		kept, problem string
	}{
		{"browser-escaped quote", `form-data; name="attachments"; filename="a%22b.log"`, `a"b.log`, ""},
		{"backslash-escaped quote", `form-data; name="attachments"; filename="a\"b.log"`, `a"b.log`, ""},
		{"raw quote", `form-data; name="attachments"; filename="a"b.log"`, `a"b.log`, ""},
		{"raw quote, name last", `form-data; filename="x"y.log"; name="attachments"`, `x"y.log`, ""},
		{"browser-escaped line break", `form-data; name="attachments"; filename="a%0D%0Ab.log"`, "ab.log", ""},
		{"folded line break", "form-data; name=\"attachments\"; filename=\"a\r\n b.log\"", "a b.log", ""},
		{"raw line break", "form-data; name=\"attachments\"; filename=\"a\r\nb.log\"", "", "could not be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body strings.Builder
			const boundary = "awkward-boundary"
			for k, v := range fields {
				fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", boundary, k, v)
			}
			fmt.Fprintf(&body, "--%s\r\nContent-Disposition: %s\r\nContent-Type: text/plain\r\n\r\nline one\n\r\n--%s--\r\n", boundary, tc.disposition, boundary)
			res, err := b.c.Post(site.URL+"/ask", "multipart/form-data; boundary="+boundary, strings.NewReader(body.String()))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			doc, _ := html.Parse(res.Body)
			if tc.kept == "" {
				if res.StatusCode != http.StatusBadRequest || !strings.Contains(textOf(doc), tc.problem) {
					t.Errorf("answered %d; want 400 saying %q", res.StatusCode, tc.problem)
				}
				return
			}
			if res.StatusCode != http.StatusOK {
				t.Fatalf("the preview answered %d: %q", res.StatusCode, fieldError(doc, "attachments"))
			}
			if kept := keptNames(keptBoxes(doc)); fmt.Sprint(kept) != fmt.Sprint([]string{tc.kept}) {
				t.Errorf("the preview keeps %q, want %q", kept, tc.kept)
			}
		})
	}
}
