package parley

import (
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parley-forum/parley/names"
)

// Limits on what users write. They are checked here, once, for every store and every form.
const (
	MaxTitle     = 150
	MinTitle     = 8
	MaxBody      = 50_000
	MaxTags      = 5
	MaxSignature = 300
	MaxName      = 60
	MaxSummary   = 200
	MaxFileName  = 100
	// MaxImageSide bounds an image's width and height in pixels: a small file can claim
	// a huge image, and every reader's browser would have to decode it.
	MaxImageSide = 16384
	// MaxImagePixels bounds an image's area: a browser holds about four bytes a pixel once
	// it decodes one, so 40 megapixels (a large camera's photo) costs a reader 160 MB, while
	// the sides alone would allow 268 megapixels, over 1 GB, in a file of a few hundred KB.
	MaxImagePixels = 40_000_000
)

// ValidateName checks the slug and name of a topic, subtopic or tag.
func ValidateName(slug, name string) error {
	if !names.IsSlug(slug) || len(slug) > MaxName {
		return Invalid("slug", "An address may use lower-case letters, digits and single hyphens, up to %d characters.", MaxName)
	}
	if strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > MaxName {
		return Invalid("name", "A name needs 1 to %d characters.", MaxName)
	}
	return nil
}

// Validate checks a new user's fields.
func (u *NewUser) Validate() error {
	if !names.IsHandle(u.Handle) {
		return Invalid("handle", "A handle has 2 to 30 letters, digits or underscores.")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(u.DisplayName)); n == 0 || n > MaxName {
		return Invalid("display_name", "A display name needs 1 to %d characters.", MaxName)
	}
	if u.Role == "" {
		u.Role = RoleMember
	}
	if !u.Role.Valid() {
		return Invalid("role", "Unknown role %q.", u.Role)
	}
	if utf8.RuneCountInString(u.Signature) > MaxSignature {
		return Invalid("signature", "A signature has at most %d characters.", MaxSignature)
	}
	return nil
}

// Validate checks a new thread's fields and returns the first problem; the store checks
// that what they name exists.
func (t *NewThread) Validate() error {
	if problems := t.Problems(); len(problems) > 0 {
		return problems[0]
	}
	return t.Text.checkRendered()
}

// Problems returns every problem with a new thread's fields, so that a form can show them
// all at once.
func (t *NewThread) Problems() []*Error {
	var out []*Error
	add := func(err error) {
		if e, ok := err.(*Error); ok {
			out = append(out, e)
		}
	}
	add(validateTitle(t.Title))
	if t.SubtopicID <= 0 {
		add(Invalid("subtopic", "Choose a subtopic."))
	}
	add(validateTags(t.TagIDs))
	add(validateBody(t.Text.Body()))
	add(validateFiles(t.Attachments))
	return out
}

// ValidateTags checks a thread's tag ids: 1 to MaxTags, none twice.
func ValidateTags(ids []int64) error { return validateTags(ids) }

func validateTags(ids []int64) error {
	if len(ids) == 0 || len(ids) > MaxTags {
		return Invalid("tags", "Choose 1 to %d tags.", MaxTags)
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			return Invalid("tags", "Each tag may be chosen once.")
		}
		seen[id] = true
	}
	return nil
}

// Validate checks a reply's fields.
func (r *NewReply) Validate() error {
	if err := validateBody(r.Text.Body()); err != nil {
		return err
	}
	if err := validateFiles(r.Attachments); err != nil {
		return err
	}
	return r.Text.checkRendered()
}

// Validate checks an edit's fields.
func (e *PostEdit) Validate() error {
	if utf8.RuneCountInString(e.Summary) > MaxSummary {
		return Invalid("summary", "An edit summary has at most %d characters.", MaxSummary)
	}
	if err := validateBody(e.Text.Body()); err != nil {
		return err
	}
	return e.Text.checkRendered()
}

func validateTitle(title string) error {
	n := utf8.RuneCountInString(strings.TrimSpace(title))
	if n < MinTitle || n > MaxTitle {
		return Invalid("title", "A title needs %d to %d characters; this one has %d.", MinTitle, MaxTitle, n)
	}
	return nil
}

// ValidateBody checks a post's Markdown before it is rendered: not empty, not too long,
// not nested too deep to render.
func ValidateBody(body string) error { return validateBody(body) }

func validateBody(body string) error {
	if strings.TrimSpace(body) == "" {
		return Invalid("body", "Write something first: the post is empty.")
	}
	if n := utf8.RuneCountInString(body); n > MaxBody {
		return Invalid("body", "A post has at most %d characters; this one has %d.", MaxBody, n)
	}
	if d := markedDepth(body); d > MaxDepth {
		return tooDeep(d)
	}
	return nil
}

// validateFiles checks attached files as described on upload. Their contents were judged
// then; this keeps a record that no upload could have produced out of every store.
func validateFiles(files []File) error {
	for i := range files {
		if err := files[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a file's description.
func (f *File) Validate() error {
	switch {
	case f.Name == "" || f.Name != CleanFileName(f.Name):
		return Invalid("attachments", "A file needs a name without slashes or control characters, of at most %d characters.", MaxFileName)
	case !slices.Contains(AttachmentTypes, f.ContentType):
		return Invalid("attachments", "%s: attachments are PNG, JPEG, GIF or WebP images, or text.", f.Name)
	case f.Size <= 0:
		return Invalid("attachments", "%s is empty.", f.Name)
	case !validDigest(f.SHA256):
		return Invalid("attachments", "%s: its digest is not a SHA-256 in hex.", f.Name)
	case f.IsImage() && (f.Width <= 0 || f.Height <= 0 || f.Width > MaxImageSide || f.Height > MaxImageSide):
		return Invalid("attachments", "%s: an image is 1 to %d pixels wide and high.", f.Name, MaxImageSide)
	case f.IsImage() && int64(f.Width)*int64(f.Height) > MaxImagePixels:
		return Invalid("attachments", "%s: an image has at most %d megapixels.", f.Name, MaxImagePixels/1_000_000)
	case !f.IsImage() && (f.Lines <= 0 || !slices.Contains(TextExtensions, strings.ToLower(path.Ext(f.Name)))):
		return Invalid("attachments", "%s: a text file has lines and a name ending in %s.", f.Name, strings.Join(TextExtensions, ", "))
	}
	return nil
}

func validDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// CleanFileName turns the name a browser sent with a file into one safe to store and show:
// the last part of any path, without control or formatting characters (which could
// disguise an extension), without spaces around it or dots after it (so no name is "." or
// "..", which a URL would take for a folder), and at most MaxFileName characters with the
// extension kept. The name is only ever shown and offered for download; it never names a file on a
// disk, so what is left may be any text.
func CleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimRight(strings.TrimSpace(name), ". ")
	if utf8.RuneCountInString(name) <= MaxFileName {
		return name
	}
	ext := path.Ext(name)
	if utf8.RuneCountInString(ext) > 10 {
		ext = ""
	}
	stem := []rune(strings.TrimSuffix(name, ext))
	return strings.TrimSpace(string(stem[:MaxFileName-utf8.RuneCountInString(ext)])) + ext
}
