package web_test

import (
	"os"
	"testing"
)

var sharedDir string

// tempDir is a folder for the shared site that outlives single tests; TestMain removes it.
func tempDir() (string, error) {
	var err error
	sharedDir, err = os.MkdirTemp("", "parley-web-test-")
	return sharedDir, err
}

// afterTests holds what undoes state shared by the package's tests, run once they end.
var afterTests []func()

func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range afterTests {
		f()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}
