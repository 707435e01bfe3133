package web_test

import (
	"os"
	"os/exec"
	"testing"
)

// TestOnPostgres runs every other test of the package again in a child process of this
// test binary with PARLEY_TEST_STORE=postgres, so that the same HTTP and browser tests run
// on both stores. Set PARLEY_TEST_STORE=postgres to run the package on PostgreSQL alone.
func TestOnPostgres(t *testing.T) {
	if os.Getenv(testStoreVar) != "" {
		t.Skipf("%s is set: this run already chose its store", testStoreVar)
	}
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.skip=^TestOnPostgres$", "-test.count=1")
	cmd.Env = append(os.Environ(), testStoreVar+"=postgres")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the HTTP tests on PostgreSQL failed: %v\n%s", err, out)
	}
}
