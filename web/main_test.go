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

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}
