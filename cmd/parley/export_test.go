package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportAndImportCommands builds a small forum with an admin account, exports it,
// checks that the export holds no email nor password hash, imports it into a new data
// folder, and checks each refusal: a folder that is not empty, a forum that is not, and
// an export whose file changed.
func TestExportAndImportCommands(t *testing.T) {
	noEnv := func(string) string { return "" }
	from, to, dir := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "export")
	must := func(stdin string, args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), args, noEnv, strings.NewReader(stdin), &stdout, &stderr); err != nil {
			t.Fatalf("parley %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String()
	}
	refused := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), args, noEnv, nil, &stdout, &stderr)
		if err == nil {
			t.Fatalf("parley %s succeeded; want it refused", strings.Join(args, " "))
		}
		return err.Error()
	}
	must("", "demo", "--data", from, "--threads", "40", "--posts", "160", "--users", "15")
	must("a long enough password\n", "user", "create", "--data", from, "--handle", "ana", "--name", "Ana",
		"--email", "ana@example.org", "--role", "admin")

	out := must("", "export", dir, "--data", from)
	if !strings.HasPrefix(out, "Exported 40 threads, 16 users") {
		t.Errorf("export printed %q; want it to count 40 threads and 16 users", out)
	}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		for _, secret := range []string{"ana@example.org", "@demo.invalid", "$argon2"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds %q", path, secret)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg := refused("export", dir, "--data", from); !strings.Contains(msg, "holds files already") {
		t.Errorf("an export into a full folder: %s; want it refused for the folder", msg)
	}

	if out := must("", "import", "parley", dir, "--data", to); !strings.HasPrefix(out, "Imported 40 threads, 16 users") {
		t.Errorf("import printed %q; want it to count 40 threads and 16 users", out)
	}
	if msg := refused("import", "parley", dir, "--data", to); !strings.Contains(msg, "needs an empty forum") {
		t.Errorf("a second import: %s; want it refused for a forum that is not empty", msg)
	}

	tampered := filepath.Join(dir, "users.jsonl")
	data, _ := os.ReadFile(tampered)
	os.WriteFile(tampered, bytes.Replace(data, []byte(`"role":"member"`), []byte(`"role":"admin"`), 1), 0o644)
	if msg := refused("import", "parley", dir, "--data", t.TempDir()); !strings.Contains(msg, "users.jsonl has changed since the export") {
		t.Errorf("an import of a changed users.jsonl: %s; want it refused naming the file", msg)
	}
}
