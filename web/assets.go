package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/parley-forum/parley/markdown"
)

//go:embed static
var staticFiles embed.FS

// asset is one static file, held in memory with its gzip form.
type asset struct {
	body, gzipped []byte
	contentType   string
}

// assets serves the static files at content-hashed names (app.1a2b3c4d.css), so a page
// can tell browsers to keep them for a year: a changed file gets a new name.
type assets struct {
	byName map[string]*asset // hashed name → file
	urls   map[string]string // plain name → /static/hashed name
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}, urls: map[string]string{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		a.add(path.Base(p), body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	// The code highlighting theme comes from the Markdown renderer, which names its classes.
	a.add("highlight.css", []byte(markdown.HighlightCSS()))
	return a, nil
}

func (a *assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
	var z bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	gz.Write(body)
	gz.Close()
	a.byName[hashed] = &asset{body: body, gzipped: z.Bytes(), contentType: mime.TypeByExtension(ext)}
	a.urls[name] = "/static/" + hashed
}

// URL returns the hashed URL of a static file; templates call it through the "asset" func.
func (a *assets) URL(name string) (string, error) {
	u, ok := a.urls[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return u, nil
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byName[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Add("Vary", "Accept-Encoding")
	body := f.body
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped
	}
	w.Write(body)
}

// redirect sends a fixed, unhashed URL that browsers ask for by convention (/favicon.ico)
// to the hashed URL of a static file.
func (a *assets) redirect(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, a.urls[name], http.StatusMovedPermanently)
	})
}
