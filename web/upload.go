package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/attachment"
	"github.com/parley-forum/parley/blob"
)

// upload is what a form with files brought: each file in a temporary file until it is
// inspected, and what could not be taken while reading (a file too large, too many).
type upload struct {
	files    []sentFile
	problems []string
	extra    []string // names of files beyond the most a post may carry
}

type sentFile struct {
	name string
	tmp  *os.File
}

// remove deletes the temporary files; every reader of an upload defers it.
func (u *upload) remove() {
	for _, f := range u.files {
		f.tmp.Close()
		os.Remove(f.tmp.Name())
	}
}

// uploadBytes bounds the body of a form with files: the form itself and as many files of
// the largest size as a post may carry, each with room for its part's headers. A larger
// file alone still fits, so that its refusal can say its size.
func (s *Server) uploadBytes() int64 {
	return maxFormBytes + int64(s.cfg.MaxAttachments)*(s.cfg.MaxAttachmentSize+4<<10)
}

// readMultipart reads a multipart form part by part: fields into r.PostForm, and files
// named "attachments" into temporary files when files is true. Files are read as they
// arrive rather than through ParseMultipartForm so that a file over the limit can be
// refused by name and size while the rest of the form is still read.
func (s *Server) readMultipart(r *http.Request, up *upload, files bool) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return err
	}
	r.PostForm = url.Values{}
	r.Form = r.PostForm
	fieldBytes := int64(maxFormBytes)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		field, file := partNames(part)
		if file == "" {
			v, err := io.ReadAll(io.LimitReader(part, fieldBytes+1))
			if err != nil {
				return err
			}
			if fieldBytes -= int64(len(v)); fieldBytes < 0 {
				return &http.MaxBytesError{Limit: maxFormBytes}
			}
			r.PostForm.Add(field, string(v))
			continue
		}
		if !files || field != "attachments" {
			if _, err := io.Copy(io.Discard, part); err != nil {
				return err
			}
			continue
		}
		if err := s.receiveFile(part, file, up); err != nil {
			return err
		}
	}
}

// partNames returns a part's field name and, for a file, the name it was sent with.
//
// Go's parser gives neither when the header breaks the quoting rules, as a raw quote in
// a file name does (filename="a"b.log"); the file would then be read as a nameless field
// and lost without a word. Such a header is read leniently instead, each parameter's value
// running to the next "; name=" or "; filename=". Browsers escape a quote and line breaks
// in file names as %22, %0D and %0A (the HTML standard's form encoding), which are turned
// back here; the name is cleaned when the file is inspected.
func partNames(part *multipart.Part) (field, file string) {
	field, file = part.FormName(), part.FileName()
	if field == "" && file == "" {
		field, file = looseDisposition(part.Header.Get("Content-Disposition"))
	}
	return field, browserEscapes.Replace(file)
}

var (
	dispositionParam = regexp.MustCompile(`(?i);\s*(name|filename)=`)
	browserEscapes   = strings.NewReplacer("%22", `"`, "%0D", "\r", "%0A", "\n", "%0d", "\r", "%0a", "\n")
)

// looseDisposition reads the name and filename of a Content-Disposition header that
// mime.ParseMediaType refuses.
func looseDisposition(h string) (field, file string) {
	found := dispositionParam.FindAllStringSubmatchIndex(h, -1)
	for i, at := range found {
		end := len(h)
		if i+1 < len(found) {
			end = found[i+1][0]
		}
		v := strings.TrimSpace(h[at[1]:end])
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		if strings.EqualFold(h[at[2]:at[3]], "name") {
			field = v
		} else {
			file = v
		}
	}
	return field, file
}

// receiveFile keeps one sent file, sent as sentName, in a temporary file, or notes why it
// was not kept.
func (s *Server) receiveFile(part *multipart.Part, sentName string, up *upload) error {
	name, max := parley.CleanFileName(sentName), s.cfg.MaxAttachmentSize
	if len(up.files) >= s.cfg.MaxAttachments {
		up.extra = append(up.extra, name)
		_, err := io.Copy(io.Discard, part)
		return err
	}
	tmp, err := os.CreateTemp("", "parley-upload-*")
	if err != nil {
		return err
	}
	n, err := io.Copy(tmp, io.LimitReader(part, max+1))
	if err == nil && n > max {
		var rest int64
		rest, err = io.Copy(io.Discard, part)
		n += rest
	}
	if err != nil || n > max {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		up.problems = append(up.problems, fmt.Sprintf("%s is larger than %s, the most a file may be.", name, parley.SpellSize(max)))
		return err
	case err != nil:
		return err
	case n > max:
		up.problems = append(up.problems, fmt.Sprintf("%s is %s; a file may be at most %s.", name, parley.SpellSize(n), parley.SpellSize(max)))
		return nil
	}
	up.files = append(up.files, sentFile{name: sentName, tmp: tmp})
	return nil
}

// takeFiles decides which files a post carries: those kept from an earlier submission of
// the form (its "keep" boxes) and those just sent, each inspected from its bytes, and the
// new ones stored. It returns them with a sentence for each file refused.
//
// A kept file is named by the digest of its content, which the page gave back to the
// browser that sent it; it is taken only when the blob store holds that content, and it is
// inspected again there, so nothing the browser says about it is believed but its name.
// Knowing a digest gives no more than knowing the content: whoever could name a stored
// content by its digest could have sent that content itself.
//
// The caller asks the domain whether the writer may post at all first
// (parley.Posting.CheckAsk, CheckReply), so that an account that may not post (a
// suspended one) stores nothing, not even through previews.
func (s *Server) takeFiles(ctx context.Context, me *viewer, keep []string, up *upload) ([]parley.File, []string, error) {
	problems := up.problems
	var files []parley.File
	seen := map[string]bool{}
	add := func(f parley.File) {
		if !seen[f.SHA256] {
			seen[f.SHA256] = true
			files = append(files, f)
		}
	}
	for _, k := range keep {
		f, err := s.keptFile(ctx, k)
		if !noteFile(&problems, err) {
			return nil, nil, err
		}
		if err == nil {
			add(f)
		}
	}
	for _, sent := range up.files {
		f, err := s.storeFile(ctx, me, sent)
		if !noteFile(&problems, err) {
			return nil, nil, err
		}
		if err == nil {
			add(f)
		}
	}
	extra := up.extra
	if len(files) > s.cfg.MaxAttachments {
		for _, f := range files[s.cfg.MaxAttachments:] {
			extra = append(extra, f.Name)
		}
		files = files[:s.cfg.MaxAttachments]
	}
	if len(extra) > 0 {
		verb := "were"
		if len(extra) == 1 {
			verb = "was"
		}
		problems = append(problems, fmt.Sprintf("A post may carry at most %s; %s %s left out.",
			plural(int64(s.cfg.MaxAttachments), "file"), strings.Join(extra, ", "), verb))
	}
	return files, problems, nil
}

// noteFile adds a refusal's message to problems and reports true, or reports false for
// an internal error, which the caller returns.
func noteFile(problems *[]string, err error) bool {
	var pe *parley.Error
	switch {
	case err == nil:
		return true
	case errors.As(err, &pe) && pe.Code != parley.EInternal:
		*problems = append(*problems, pe.Message)
		return true
	}
	return false
}

// keptFile reads a "keep" box's value, digest/name, and inspects the content it names.
func (s *Server) keptFile(ctx context.Context, value string) (parley.File, error) {
	key, name, _ := strings.Cut(value, "/")
	if !blob.ValidKey(key) {
		return parley.File{}, parley.Invalid("attachments", "A file kept from before could not be found; choose it again.")
	}
	content, err := s.cfg.Blobs.Open(ctx, key)
	if errors.Is(err, parley.ErrNotFound) {
		return parley.File{}, parley.Invalid("attachments", "%s is no longer held; choose it again.", parley.CleanFileName(name))
	}
	if err != nil {
		return parley.File{}, err
	}
	defer content.Close()
	return attachment.Inspect(name, content)
}

// storeFile inspects a sent file and, when the forum takes it, stores its content. Each
// file stored counts against the sender's upload rate, daily budget and storage quota, and
// is recorded before it is stored (see parley.UploadStore), so that it is collected if no
// post comes to carry it. A file refused by the budget or the quota is not stored at all.
func (s *Server) storeFile(ctx context.Context, me *viewer, sent sentFile) (parley.File, error) {
	f, err := attachment.Inspect(sent.name, sent.tmp)
	if err != nil {
		return f, err
	}
	if !s.allow(ctx, s.limits.upload, strconv.FormatInt(me.User.ID, 10)) {
		return f, parley.Invalid("attachments", "%s was not taken: you are sending files faster than the forum allows. Wait a minute, then choose it again.", f.Name)
	}
	limits := parley.UploadLimits{Budget: s.cfg.MaxUploadBytesPerDay, Quota: s.cfg.MaxAccountStorage}
	err = s.store.RecordUpload(ctx, parley.NewUpload{UserID: me.User.ID, SHA256: f.SHA256, Size: f.Size}, limits)
	switch parley.ErrorCode(err) {
	case parley.ETooMany:
		return f, parley.Invalid("attachments", "%s was not taken: an account may send %s of files in 24 hours, and this file would take yours past that. Files already taken stay; send this one later.",
			f.Name, parley.SpellSize(s.cfg.MaxUploadBytesPerDay))
	case parley.EForbidden: // over the quota: the message says how much the account holds
		return f, parley.Invalid("attachments", "%s was not taken. %s", f.Name, parley.ErrorMessage(err))
	}
	if err != nil {
		return f, err
	}
	if _, err := sent.tmp.Seek(0, io.SeekStart); err != nil {
		return f, err
	}
	return f, s.cfg.Blobs.Put(ctx, f.SHA256, sent.tmp)
}

// fileInput is the file field of the composer and the reply form: its limits, the files
// already taken (shown as boxes to keep or untick), and what is wrong with the files sent.
type fileInput struct {
	Max     int
	MaxSize string
	Accept  string
	Allowed string
	Kept    []parley.File
	Error   string
}

// accept lists, for the browser's file chooser, the types and names the forum takes;
// the server decides by the bytes whatever the chooser lets through.
var accept = "image/png,image/jpeg,image/gif,image/webp,.png,.jpg,.jpeg,.gif,.webp," + strings.Join(parley.TextExtensions, ",")

func (s *Server) fileInput(kept []parley.File) fileInput {
	return fileInput{Max: s.cfg.MaxAttachments, MaxSize: parley.SpellSize(s.cfg.MaxAttachmentSize), Accept: accept, Allowed: attachment.Allowed, Kept: kept}
}
