package parley

import (
	"context"
	"strings"
	"unicode/utf8"
)

// newThread turns a question into the store's input, with every problem it has: tags are
// resolved by name, and a tag that does not exist is named in the tags' problem.
func (p *Posting) newThread(ctx context.Context, a Actor, q Question) (NewThread, Problems, error) {
	in := NewThread{Title: strings.TrimSpace(q.Title), SubtopicID: q.SubtopicID, AuthorID: a.User.ID,
		Text: Draft(q.Body), Attachments: q.Attachments}
	ids, err := ResolveTags(ctx, p.Store, q.Tags)
	unknown := asError(err)
	if err != nil && (unknown == nil || unknown.Code != EInvalid) {
		return in, nil, err
	}
	in.TagIDs = ids
	problems := Problems(in.Problems())
	if unknown != nil {
		problems = problems.set(unknown)
	}
	if refused := refusedFiles(q.RefusedFiles); refused != nil {
		problems = problems.set(refused)
	}
	return in, problems, nil
}

// replyProblems returns every problem with a reply: the files refused first, as the writer
// sent them first, then its body and files.
func replyProblems(in NewReply, refused []string) Problems {
	var out Problems
	for _, e := range []*Error{refusedFiles(refused), asError(validateBody(in.Text.Body())), asError(validateFiles(in.Attachments))} {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// editProblems returns every problem with an edit: its summary and its body.
func editProblems(in PostEdit) Problems {
	var out Problems
	if utf8.RuneCountInString(in.Summary) > MaxSummary {
		out = append(out, Invalid("summary", "An edit summary has at most %d characters.", MaxSummary))
	}
	if e := asError(validateBody(in.Text.Body())); e != nil {
		out = append(out, e)
	}
	return out
}

// refusedFiles is the one problem the files refused on upload make, or nil.
func refusedFiles(sentences []string) *Error {
	if len(sentences) == 0 {
		return nil
	}
	return Invalid("attachments", "%s", strings.Join(sentences, " "))
}

func asError(err error) *Error {
	e, _ := err.(*Error)
	return e
}
