package opendata

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/parley-forum/parley/blob"
)

// Verify reads dir's manifest and checks every file against it before anything is read
// from them: each data file's size and SHA-256, and each attached file's content against
// its name. A file that changed, is missing or is not the export's is named in the error.
func Verify(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: it is not a parley export, or one that did not finish", dir, ManifestFile)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	switch {
	case m.Format != FormatName:
		return nil, fmt.Errorf("%s says the folder holds %q, not a parley export (%q)", ManifestFile, m.Format, FormatName)
	case m.Version > FormatVersion:
		return nil, fmt.Errorf("the export is in version %d of the format, made by parley %s; this parley reads version %d: import it with a newer parley",
			m.Version, m.ParleyVersion, FormatVersion)
	}
	for _, name := range dataFiles {
		if !slices.ContainsFunc(m.Files, func(f FileEntry) bool { return f.Path == name }) {
			return nil, fmt.Errorf("%s lists no %s", ManifestFile, name)
		}
	}
	for _, f := range m.Files {
		if !slices.Contains(dataFiles, f.Path) && !slices.Contains(laterFiles, f.Path) {
			return nil, fmt.Errorf("%s lists %q, which is no file of the format", ManifestFile, f.Path)
		}
		size, sum, err := hashFile(filepath.Join(dir, f.Path))
		if err != nil {
			return nil, err
		}
		if size != f.Bytes || sum != f.SHA256 {
			return nil, fmt.Errorf("%s has changed since the export: %d bytes with SHA-256 %s, where %s says %d bytes with SHA-256 %s",
				f.Path, size, sum, ManifestFile, f.Bytes, f.SHA256)
		}
	}
	return &m, verifyContents(dir, m.Contents)
}

// verifyContents checks that every attached file hashes to its name, and that they are the
// count and size the manifest says.
func verifyContents(dir string, want Contents) error {
	var got Contents
	err := eachContent(dir, func(path string) error {
		size, sum, err := hashFile(filepath.Join(dir, path))
		if err != nil {
			return err
		}
		if sum != filepath.Base(path) {
			return fmt.Errorf("%s has changed since the export: its SHA-256 is %s", path, sum)
		}
		got.Count++
		got.Bytes += size
		return nil
	})
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%s holds %d files of %d bytes, where %s says %d files of %d bytes", FilesDir, got.Count, got.Bytes,
			ManifestFile, want.Count, want.Bytes)
	}
	return nil
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("read %s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// eachContent calls fn with the path of every attached file's content, relative to dir,
// reading the folder a part at a time: a forum's files may be millions.
func eachContent(dir string, fn func(path string) error) error {
	d, err := os.Open(filepath.Join(dir, FilesDir))
	if err != nil {
		return err
	}
	defer d.Close()
	for {
		entries, err := d.ReadDir(1000)
		for _, e := range entries {
			path := filepath.Join(FilesDir, e.Name())
			if !blob.ValidKey(e.Name()) || !e.Type().IsRegular() {
				return fmt.Errorf("%s is not an attached file's content, which is named by its SHA-256", path)
			}
			if err := fn(path); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
