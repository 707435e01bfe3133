package parley

import (
	"context"
	"time"
)

// UploadGrace is how long a stored file that no post carries is kept: long enough to
// finish the form it was sent with, after a preview or a refusal. It is also the period of
// an account's upload budget, so the records the budget counts are those not yet collected.
const UploadGrace = 24 * time.Hour

// UploadStore records the files stored for forms, before any post carries them. The
// records bound how much an account may send and hold, and let contents that no post came
// to carry be deleted from the blob store.
//
// A content is held while an account's record of it is younger than UploadGrace, or while
// an attachment names it; attachments are never deleted, so a content once attached is
// held for good. Storing a content takes three steps, in this order: RecordUpload, putting
// it in the blob store, then (perhaps) attaching it to a post with CreateThread or
// CreateReply, which refuse a file that is no longer held. CollectUploads deletes a content
// only while no record or attachment can be added for it, so a post never carries a
// content that was collected, whatever the timing across nodes.
//
// What an account holds, which its quota bounds, is each content it keeps, counted once
// however many records and posts name it: those of its records younger than UploadGrace
// (files sent with a form, posted or not yet) and those attached to its posts that readers
// see, neither hidden nor in a deleted thread. A hidden post or deleted thread stops
// counting while it stays so; its contents are kept for a moderator who restores it.
type UploadStore interface {
	// RecordUpload records that an account is storing a content; the caller puts it in
	// the blob store afterwards. The same content from the same account is one record,
	// dated by its latest upload. It records nothing and fails with ETooMany when the
	// account's records of the last UploadGrace, with this one, would pass limits.Budget
	// bytes (CheckBudget), and with EForbidden when what the account holds, with this
	// content, would pass limits.Quota bytes (CheckQuota). A limit of 0 is no limit. Two
	// uploads from one account, on any nodes, are checked one after the other.
	RecordUpload(ctx context.Context, u NewUpload, limits UploadLimits) error
	// CollectUploads deletes the records older than UploadGrace and, for each content they
	// leave unheld, calls remove, which deletes it from the blob store. remove runs while
	// the content cannot be recorded or attached; when it fails, the content's records are
	// kept for the next sweep and its error returned. It returns how many contents it
	// removed. Several nodes may collect at once.
	CollectUploads(ctx context.Context, remove func(ctx context.Context, sha256 string) error) (int64, error)
}

// UploadLimits bound what an account stores, in bytes: Budget, what it may send in any
// UploadGrace, and Quota, what it may hold at once (see UploadStore). They are the same
// for every account, staff or not; 0 is no limit.
type UploadLimits struct {
	Budget int64
	Quota  int64
}

// NewUpload is the input of RecordUpload: an account storing Size bytes of a content.
type NewUpload struct {
	UserID int64
	SHA256 string
	Size   int64
}

// Validate checks an upload's record.
func (u NewUpload) Validate() error {
	if !validDigest(u.SHA256) || u.Size <= 0 {
		return Invalid("attachments", "An upload is recorded with its SHA-256 in hex and its size.")
	}
	return nil
}

// CheckBudget refuses, with ETooMany, an upload that would take an account's files of the
// last UploadGrace, used bytes so far, past budget bytes; a budget of 0 is no budget.
func (u NewUpload) CheckBudget(used, budget int64) error {
	if budget > 0 && used+u.Size > budget {
		return Errorf(ETooMany, "This account's files of the last %s come to %d bytes; %d more would pass its budget of %d.",
			UploadGrace, used, u.Size, budget)
	}
	return nil
}

// CheckQuota refuses, with EForbidden, an upload that would take what an account holds
// past quota bytes: held is what it holds besides this upload's content, so that the
// content counts once, whether the account held it already or not. A quota of 0 is no
// quota.
func (u NewUpload) CheckQuota(held, quota int64) error {
	if quota > 0 && held+u.Size > quota {
		return Errorf(EForbidden, "Your files take %s of the %s each account may keep, and this one is %s more. Files sent but not posted stop counting %s after they were last sent; for more room, ask a moderator.",
			SpellSize(held), SpellSize(quota), SpellSize(u.Size), SpellDuration(UploadGrace))
	}
	return nil
}

// NotHeld is the refusal of a post carrying a file whose content is no longer held.
func NotHeld(f File) error {
	return Invalid("attachments", "%s is no longer held; choose it again.", f.Name)
}
