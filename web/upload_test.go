package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/web"
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
