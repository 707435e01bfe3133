package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/sqlite"
)

// runInput runs the program with stdin as its standard input.
func runInput(t *testing.T, stdin string, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errOut syncBuffer
	err = run(t.Context(), args, env(), strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

func openStore(t *testing.T, dir string) *sqlite.Store {
	t.Helper()
	store, err := sqlite.Open(t.Context(), filepath.Join(dir, "parley.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

func TestUserCreate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, err := runInput(t, "correct horse battery\n", "user", "create", "--handle", "Quinn", "--name", "Quinn Taylor",
		"--email", "quinn@example.com", "--role", "admin", "--badge", "DTS Engineer", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Created admin Quinn") {
		t.Errorf("user create printed %q", out)
	}

	store := openStore(t, dir)
	u, err := store.UserByHandle(t.Context(), "quinn")
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != parley.RoleAdmin || u.DisplayName != "Quinn Taylor" || u.Badge != "DTS Engineer" {
		t.Errorf("created user %+v", u)
	}
	c, err := store.CredentialsByHandle(t.Context(), "quinn")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.CheckPassword(c.PasswordHash, "correct horse battery"); !ok || err != nil {
		t.Errorf("the password read from stdin does not check out: %v, %v", ok, err)
	}
	if ok, _ := auth.CheckPassword(c.PasswordHash, "correct horse battery\n"); ok {
		t.Error("the line ending was kept as part of the password")
	}

	t.Run("member by default, CRLF line ending, no final newline", func(t *testing.T) {
		for i, stdin := range []string{"another password\r\n", "another password"} {
			handle := []string{"member_crlf", "member_eof"}[i]
			if _, err := runInput(t, stdin, "user", "create", "--handle", handle, "--name", "M",
				"--email", handle+"@example.com", "--data", dir); err != nil {
				t.Fatal(err)
			}
			u, err := store.UserByHandle(t.Context(), handle)
			if err != nil || u.Role != parley.RoleMember {
				t.Fatalf("user %+v, %v; want a member", u, err)
			}
			c, _ := store.CredentialsByHandle(t.Context(), handle)
			if ok, _ := auth.CheckPassword(c.PasswordHash, "another password"); !ok {
				t.Errorf("%q: the password does not check out", stdin)
			}
		}
	})

	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		want  string // the error's start
	}{
		{"handle taken", "correct horse battery\n", []string{"--handle", "QUINN", "--email", "other@example.com"}, "--handle:"},
		{"email taken", "correct horse battery\n", []string{"--handle", "other", "--email", "Quinn@Example.com"}, "--email:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"user", "create", "--name", "Other", "--data", dir}, tt.args...)
			_, err := runInput(t, tt.stdin, args...)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("run(%q) = %v, want an error starting %q", args, err, tt.want)
			}
			if _, err := store.UserByHandle(t.Context(), "other"); !errors.Is(err, parley.ErrNotFound) {
				t.Errorf("a failed create left a user: %v", err)
			}
		})
	}
}

// Bad input fails before the data folder is touched.
func TestUserCreateInvalid(t *testing.T) {
	t.Parallel()
	good := []string{"--handle", "ana", "--name", "Ana", "--email", "ana@example.com"}
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		want  string // the error's start
	}{
		{"short password", "short\n", nil, "password"},
		{"no password", "", nil, "password"},
		{"empty line", "\n", nil, "password"},
		{"unknown role", "correct horse battery\n", []string{"--role", "god"}, "--role"},
		{"bad handle", "correct horse battery\n", []string{"--handle", "not a handle"}, "--handle:"},
		{"no name", "correct horse battery\n", []string{"--name", " "}, "--name:"},
		{"bad email", "correct horse battery\n", []string{"--email", "ana at example"}, "--email:"},
		{"stray argument", "correct horse battery\n", []string{"extra"}, "unexpected argument"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			args := append(append([]string{"user", "create", "--data", dir}, good...), tt.args...)
			_, err := runInput(t, tt.stdin, args...)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("run(%q) = %v, want an error starting %q", args, err, tt.want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("bad input touched the data folder (%v); it should fail before", err)
			}
		})
	}

	for _, args := range [][]string{{"user"}, {"user", "delete"}} {
		if _, err := runInput(t, "", args...); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}
