package opendata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/dbcopy"
)

// BatchSize is how many threads the export reads, and the import loads, at once.
const BatchSize = 500

// Options tune an export or an import.
type Options struct {
	// ParleyVersion is written in the manifest, saying which parley made the export.
	ParleyVersion string
	// Now is the export's time in the manifest; zero is the clock's.
	Now time.Time
	// Progress, when set, receives a progress bar.
	Progress io.Writer
}

// Export writes the forum in snap to dir, which must be empty or not exist yet, and the
// contents of the files its posts carry, read from blobs. It returns the manifest it
// wrote last: a folder without one is an export that did not finish.
func Export(ctx context.Context, snap *dbcopy.Snapshot, blobs blob.Store, dir string, opts Options) (*Manifest, error) {
	if err := makeEmptyDir(dir); err != nil {
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(dir, FilesDir), 0o755); err != nil {
		return nil, err
	}
	x := &exporter{snap: snap, blobs: blobs, dir: dir}
	m := &Manifest{Format: FormatName, Version: FormatVersion, ParleyVersion: opts.ParleyVersion, CreatedAt: opts.Now.UTC()}
	if opts.Now.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	steps := []struct {
		file  string
		write func(context.Context, *jsonlWriter) error
	}{
		{TopicsFile, x.topics},
		{TagsFile, x.tags},
		{UsersFile, x.users},
		{BadgesFile, x.badges},
		{ThreadsFile, func(ctx context.Context, w *jsonlWriter) error { return x.threads(ctx, w, opts.Progress) }},
	}
	for _, step := range steps {
		w, err := createJSONL(dir, step.file)
		if err != nil {
			return nil, err
		}
		if err := step.write(ctx, w); err != nil {
			w.abandon()
			return nil, err
		}
		entry, err := w.close()
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, entry)
	}
	m.Contents = x.contents
	return m, writeManifest(dir, m)
}

// makeEmptyDir makes dir, or checks that it is an empty folder: an export never mixes
// its files with others, nor overwrites an earlier export.
func makeEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s holds files already (%s, …); export into a new or empty folder", dir, entries[0].Name())
	}
	return nil
}

func writeManifest(dir string, m *Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, ManifestFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(append(data, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// exporter is one export in progress.
type exporter struct {
	snap     *dbcopy.Snapshot
	blobs    blob.Store
	dir      string
	contents Contents
}

// saveFile writes the content under key to files/, once however many posts carry it,
// checking that it hashes to its key.
func (x *exporter) saveFile(ctx context.Context, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return fmt.Errorf("attached file %q: %w", key, err)
	}
	path := filepath.Join(x.dir, FilesDir, key)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	src, err := x.blobs.Open(ctx, key)
	if err != nil {
		return fmt.Errorf("attached file %s: %w", key, err)
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Join(x.dir, FilesDir), ".partial-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("attached file %s: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != key {
		return fmt.Errorf("attached file %s: the stored content hashes to %s; the file store is damaged", key, got)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	x.contents.Count++
	x.contents.Bytes += n
	return nil
}
