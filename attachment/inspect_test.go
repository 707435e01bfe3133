package attachment_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/attachment"
)

func encode(t *testing.T, w, h int, enc func(io.Writer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// oneByte reads a file a byte at a time, so that every character of more than one byte
// is split across writes. It has no WriteTo, so io.Copy cannot go around its Read.
type oneByte struct{ r *bytes.Reader }

func (o oneByte) Read(p []byte) (int, error) { return iotest.OneByteReader(o.r).Read(p) }

func (o oneByte) Seek(off int64, whence int) (int64, error) { return o.r.Seek(off, whence) }

func TestInspect(t *testing.T) {
	pngBytes := encode(t, 3, 2, png.Encode)
	jpegBytes := encode(t, 5, 4, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) })
	gifBytes := encode(t, 7, 6, func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) })
	// The smallest lossless and lossy WebP images, 1×1 each.
	webpLossless := b64(t, "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
	webpLossy := b64(t, "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA")
	webpExtended := append([]byte("RIFF\x24\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x10\x00\x00\x00"), 0x3f, 0x01, 0x00, 0xc7, 0x00, 0x00, 0, 0)
	tooWide := encode(t, parley.MaxImageSide+1, 1, png.Encode)
	utf8Text := "Crash: 💥 in naïve code — 日本語\nline two\n"

	tests := []struct {
		name    string
		file    string
		content []byte
		// want is the content type, or "" when the file is refused with a message
		// containing refusal.
		want, refusal string
		w, h, lines   int
	}{
		{name: "png", file: "shot.png", content: pngBytes, want: parley.TypePNG, w: 3, h: 2},
		{name: "png named as a log is an image", file: "shot.log", content: pngBytes, want: parley.TypePNG, w: 3, h: 2},
		{name: "jpeg", file: "photo.jpg", content: jpegBytes, want: parley.TypeJPEG, w: 5, h: 4},
		{name: "gif", file: "anim.gif", content: gifBytes, want: parley.TypeGIF, w: 7, h: 6},
		{name: "webp lossless", file: "a.webp", content: webpLossless, want: parley.TypeWebP, w: 1, h: 1},
		{name: "webp lossy", file: "b.webp", content: webpLossy, want: parley.TypeWebP, w: 1, h: 1},
		{name: "webp extended", file: "c.webp", content: webpExtended, want: parley.TypeWebP, w: 320, h: 200},
		{name: "png header only", file: "broken.png", content: pngBytes[:20], refusal: "broken.png starts like a PNG image but cannot be read"},
		{name: "webp header only", file: "broken.webp", content: webpLossy[:16], refusal: "cannot be read"},
		{name: "image too large", file: "wide.png", content: tooWide, refusal: "wide.png is 16385×1 pixels"},
		{name: "log", file: "crash.log", content: []byte("one\ntwo\nthree\n"), want: parley.TypeText, lines: 3},
		{name: "last line without newline", file: "a.txt", content: []byte("one\ntwo"), want: parley.TypeText, lines: 2},
		{name: "upper-case extension", file: "REPORT.IPS", content: []byte(`{"app_name":"Demo"}`), want: parley.TypeText, lines: 1},
		{name: "crash report", file: "Demo-2026-01-02.crash", content: []byte("Exception Type:  EXC_BAD_ACCESS (SIGSEGV)\n"), want: parley.TypeText, lines: 1},
		{name: "json", file: "config.json", content: []byte("{\n  \"a\": 1\n}\n"), want: parley.TypeText, lines: 3},
		{name: "multi-byte text", file: "utf8.txt", content: []byte(utf8Text), want: parley.TypeText, lines: 2},
		{name: "script in a text file is text", file: "notes.txt", content: []byte("<script>alert(1)</script>\n"), want: parley.TypeText, lines: 1},
		{name: "html in a log is text", file: "page.log", content: []byte("<!doctype html><html><body onload=alert(1)>"), want: parley.TypeText, lines: 1},
		{name: "svg in a text file is text", file: "logo.txt", content: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), want: parley.TypeText, lines: 1},
		{name: "svg", file: "logo.svg", content: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), refusal: "logo.svg is text, but text files are taken only with names ending in .txt"},
		{name: "html", file: "page.html", content: []byte("<!doctype html><script>alert(1)</script>"), refusal: "page.html is text"},
		{name: "markdown", file: "README.md", content: []byte("# Title\n"), refusal: "README.md is text"},
		{name: "no extension", file: "Makefile", content: []byte("all:\n"), refusal: "Makefile is text"},
		{name: "nul byte", file: "dump.log", content: []byte("line\x00more\n"), refusal: "dump.log is not a file the forum takes. Attach PNG, JPEG, GIF or WebP images, or text files"},
		{name: "latin-1", file: "old.log", content: []byte("caf\xe9\n"), refusal: "old.log is not a file the forum takes"},
		{name: "utf-16", file: "win.txt", content: []byte("\xff\xfeh\x00i\x00"), refusal: "win.txt is not a file the forum takes"},
		{name: "cut in a character", file: "cut.txt", content: []byte(utf8Text[:9]), refusal: "cut.txt is not a file the forum takes"},
		{name: "pdf", file: "manual.pdf", content: []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), refusal: "manual.pdf is not a file the forum takes"},
		{name: "pdf named as text", file: "manual.txt", content: []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), refusal: "manual.txt is not a file the forum takes"},
		{name: "executable", file: "tool.log", content: []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), refusal: "tool.log is not a file the forum takes"},
		{name: "empty", file: "empty.log", content: nil, refusal: "empty.log is empty"},
		{name: "path in the name", file: `C:\fakepath\dir/crash.log`, content: []byte("x\n"), want: parley.TypeText, lines: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []io.ReadSeeker{bytes.NewReader(tc.content), oneByte{bytes.NewReader(tc.content)}} {
				f, err := attachment.Inspect(tc.file, r)
				if tc.want == "" {
					if parley.ErrorCode(err) != parley.EInvalid || !strings.Contains(parley.ErrorMessage(err), tc.refusal) {
						t.Fatalf("got %+v, %v; want refused with %q", f, err, tc.refusal)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if f.ContentType != tc.want || f.Width != tc.w || f.Height != tc.h || f.Lines != tc.lines || f.Size != int64(len(tc.content)) {
					t.Errorf("got %+v; want %s %d×%d, %d lines, %d bytes", f, tc.want, tc.w, tc.h, tc.lines, len(tc.content))
				}
				if want := map[bool]string{true: string(tc.content)}[tc.want == parley.TypeText]; f.Text != want {
					t.Errorf("text %q, want %q: a text file's whole text when short, an image's none", f.Text, want)
				}
				if err := f.Validate(); err != nil {
					t.Errorf("the store would refuse what Inspect accepts: %v", err)
				}
			}
		})
	}
}

// TestInspectKeepsTheStartOfLongText reads a log longer than search indexes, with a
// multi-byte character across the limit: the text kept is the start, whole characters only.
func TestInspectKeepsTheStartOfLongText(t *testing.T) {
	content := strings.Repeat("a", parley.MaxFileText-1) + "é tail\n"
	for _, r := range []io.ReadSeeker{strings.NewReader(content), oneByte{bytes.NewReader([]byte(content))}} {
		f, err := attachment.Inspect("long.log", r)
		if err != nil {
			t.Fatal(err)
		}
		if want := content[:parley.MaxFileText-1]; f.Text != want {
			t.Errorf("kept %d bytes ending %q, want the %d before the cut character", len(f.Text), f.Text[max(0, len(f.Text)-4):], len(want))
		}
	}
}

// TestInspectRefusesImageBombs sends small files whose headers claim images far larger in
// area than a browser should be made to decode, though each side is within the limit: one
// of each format, their headers written over those of real tiny images.
func TestInspectRefusesImageBombs(t *testing.T) {
	const side = 8000 // 64 megapixels, each side under MaxImageSide
	tiny := func(enc func(io.Writer, image.Image) error) []byte {
		var b bytes.Buffer
		if err := enc(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	pngBomb := tiny(png.Encode)
	binary.BigEndian.PutUint32(pngBomb[16:], side) // IHDR: width, height, then its CRC
	binary.BigEndian.PutUint32(pngBomb[20:], parley.MaxImageSide)
	binary.BigEndian.PutUint32(pngBomb[29:], crc32.ChecksumIEEE(pngBomb[12:29]))
	gifBomb := tiny(func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) })
	binary.LittleEndian.PutUint16(gifBomb[6:], side) // the logical screen
	binary.LittleEndian.PutUint16(gifBomb[8:], side)
	jpegBomb := tiny(func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) })
	sof := bytes.Index(jpegBomb, []byte{0xff, 0xc0})
	binary.BigEndian.PutUint16(jpegBomb[sof+5:], side) // after the length and precision: height, width
	binary.BigEndian.PutUint16(jpegBomb[sof+7:], side)
	webpBomb := append([]byte("RIFF\x24\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x10\x00\x00\x00"), 0x3f, 0x1f, 0x00, 0x3f, 0x1f, 0x00, 0, 0)

	for _, tc := range []struct {
		file    string
		content []byte
		size    string
	}{
		{"bomb.png", pngBomb, "8000×16384"},
		{"bomb.gif", gifBomb, "8000×8000"},
		{"bomb.jpg", jpegBomb, "8000×8000"},
		{"bomb.webp", webpBomb, "8000×8000"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			if len(tc.content) > 2<<10 {
				t.Fatalf("the bomb is %d bytes; it should be tiny", len(tc.content))
			}
			f, err := attachment.Inspect(tc.file, bytes.NewReader(tc.content))
			want := tc.file + " is " + tc.size + " pixels"
			if parley.ErrorCode(err) != parley.EInvalid || !strings.Contains(parley.ErrorMessage(err), want) ||
				!strings.Contains(parley.ErrorMessage(err), "40 megapixels") {
				t.Fatalf("got %+v, %v; want refused with %q and the limit", f, err, want)
			}
		})
	}
	// An image at the limit is taken, and the store takes what Inspect takes.
	atLimit := tiny(png.Encode)
	binary.BigEndian.PutUint32(atLimit[16:], 5000)
	binary.BigEndian.PutUint32(atLimit[20:], 8000)
	binary.BigEndian.PutUint32(atLimit[29:], crc32.ChecksumIEEE(atLimit[12:29]))
	f, err := attachment.Inspect("large.png", bytes.NewReader(atLimit))
	if err != nil || f.Width != 5000 || f.Height != 8000 {
		t.Fatalf("a 40-megapixel image: %+v, %v", f, err)
	}
	if err := f.Validate(); err != nil {
		t.Errorf("the store would refuse what Inspect accepts: %v", err)
	}
	f.Width = 8000
	if err := f.Validate(); parley.ErrorCode(err) != parley.EInvalid {
		t.Errorf("a record of a 64-megapixel image: %v, want refused", err)
	}
}

func TestInspectNamesAndDigest(t *testing.T) {
	f, err := attachment.Inspect("dir/\u202egol.txt\x00 ", strings.NewReader("abc"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "gol.txt" {
		t.Errorf("name %q, want the base name without controls", f.Name)
	}
	if f.SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("digest %s, want the SHA-256 of abc", f.SHA256)
	}
	long := strings.Repeat("é", 200) + ".log"
	if got := parley.CleanFileName(long); got != strings.Repeat("é", parley.MaxFileName-4)+".log" {
		t.Errorf("a long name is cut to %q", got)
	}
	for _, bad := range []string{"", "  ", "/", "..", ". .", "dir/"} {
		if _, err := attachment.Inspect(bad, strings.NewReader("abc\n")); parley.ErrorCode(err) != parley.EInvalid {
			t.Errorf("name %q: %v, want refused", bad, err)
		}
	}
}
