package web_test

import (
	"os"
	"os/exec"
	"testing"
)

// onPostgres are the tests TestOnPostgres runs again with every site on PostgreSQL: the
// authorization matrix over every route, accounts and sessions, and asking and replying.
// They cover the store calls the pages make; the rest of the package reads pages that
// depend on the store only through the same calls.
const onPostgres = `^(TestAuthorizationMatrix|TestSignUp.*|TestSignIn.*|TestChangePassword|TestFormsRefuseForgedRequests|` +
	`TestAsk.*|TestReplies|TestQuoteStartsAReply|TestComposerSuggestsSimilarThreads|TestNewAccountsMayPostFewLinks)$`

// TestOnPostgres runs the tests named by onPostgres in a child process of this test binary
// with PARLEY_TEST_STORE=postgres, so that the same HTTP tests run on both stores. Set
// PARLEY_TEST_STORE=postgres to run the whole package on PostgreSQL instead.
func TestOnPostgres(t *testing.T) {
	if os.Getenv(testStoreVar) != "" {
		t.Skipf("%s is set: this run already chose its store", testStoreVar)
	}
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run="+onPostgres, "-test.count=1")
	cmd.Env = append(os.Environ(), testStoreVar+"=postgres")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the HTTP tests on PostgreSQL failed: %v\n%s", err, out)
	}
}
