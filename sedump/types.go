package sedump

import "strconv"

// The kinds of row a dump names by number. Their names are Stack Exchange's own (from the
// PostTypes, VoteTypes and PostHistoryTypes tables of the Stack Exchange Data Explorer).
// Dumps may carry numbers not listed here, from kinds added later; the reader passes them
// through, and String shows them as numbers.

// PostType is a post's PostTypeId.
type PostType int

const (
	Question            PostType = 1
	Answer              PostType = 2
	Wiki                PostType = 3
	TagWikiExcerpt      PostType = 4 // a tag's short description
	TagWiki             PostType = 5 // a tag's full description
	ModeratorNomination PostType = 6
	WikiPlaceholder     PostType = 7
	PrivilegeWiki       PostType = 8
)

var postTypeNames = map[PostType]string{
	Question:            "Question",
	Answer:              "Answer",
	Wiki:                "Wiki",
	TagWikiExcerpt:      "TagWikiExcerpt",
	TagWiki:             "TagWiki",
	ModeratorNomination: "ModeratorNomination",
	WikiPlaceholder:     "WikiPlaceholder",
	PrivilegeWiki:       "PrivilegeWiki",
}

func (t PostType) String() string { return name(postTypeNames, "PostType", t) }

// VoteType is a vote's VoteTypeId.
type VoteType int

const (
	VoteAcceptedByOriginator  VoteType = 1 // the asker accepted the answer
	VoteUpMod                 VoteType = 2 // an up vote
	VoteDownMod               VoteType = 3 // a down vote
	VoteOffensive             VoteType = 4
	VoteFavorite              VoteType = 5 // a bookmark
	VoteClose                 VoteType = 6
	VoteReopen                VoteType = 7
	VoteBountyStart           VoteType = 8
	VoteBountyClose           VoteType = 9
	VoteDeletion              VoteType = 10
	VoteUndeletion            VoteType = 11
	VoteSpam                  VoteType = 12
	VoteModeratorReview       VoteType = 15
	VoteApproveEditSuggestion VoteType = 16
)

var voteTypeNames = map[VoteType]string{
	VoteAcceptedByOriginator:  "AcceptedByOriginator",
	VoteUpMod:                 "UpMod",
	VoteDownMod:               "DownMod",
	VoteOffensive:             "Offensive",
	VoteFavorite:              "Favorite",
	VoteClose:                 "Close",
	VoteReopen:                "Reopen",
	VoteBountyStart:           "BountyStart",
	VoteBountyClose:           "BountyClose",
	VoteDeletion:              "Deletion",
	VoteUndeletion:            "Undeletion",
	VoteSpam:                  "Spam",
	VoteModeratorReview:       "ModeratorReview",
	VoteApproveEditSuggestion: "ApproveEditSuggestion",
}

func (t VoteType) String() string { return name(voteTypeNames, "VoteType", t) }

// PostHistoryType is a PostHistory entry's PostHistoryTypeId.
type PostHistoryType int

const (
	InitialTitle          PostHistoryType = 1
	InitialBody           PostHistoryType = 2
	InitialTags           PostHistoryType = 3
	EditTitle             PostHistoryType = 4
	EditBody              PostHistoryType = 5
	EditTags              PostHistoryType = 6
	RollbackTitle         PostHistoryType = 7
	RollbackBody          PostHistoryType = 8
	RollbackTags          PostHistoryType = 9
	PostClosed            PostHistoryType = 10
	PostReopened          PostHistoryType = 11
	PostDeleted           PostHistoryType = 12
	PostUndeleted         PostHistoryType = 13
	PostLocked            PostHistoryType = 14
	PostUnlocked          PostHistoryType = 15
	CommunityOwned        PostHistoryType = 16
	PostMigrated          PostHistoryType = 17
	QuestionMerged        PostHistoryType = 18
	QuestionProtected     PostHistoryType = 19
	QuestionUnprotected   PostHistoryType = 20
	QuestionUnmerged      PostHistoryType = 22
	SuggestedEditApplied  PostHistoryType = 24
	PostTweeted           PostHistoryType = 25
	DiscussionMovedToChat PostHistoryType = 31
	PostNoticeAdded       PostHistoryType = 33
	PostNoticeRemoved     PostHistoryType = 34
	PostMigratedAway      PostHistoryType = 35
	PostMigratedHere      PostHistoryType = 36
	PostMergeSource       PostHistoryType = 37
	PostMergeDestination  PostHistoryType = 38
	CommunityBump         PostHistoryType = 50
	SelectedHotQuestion   PostHistoryType = 52
	RemovedHotQuestion    PostHistoryType = 53
)

var postHistoryTypeNames = map[PostHistoryType]string{
	InitialTitle:          "Initial Title",
	InitialBody:           "Initial Body",
	InitialTags:           "Initial Tags",
	EditTitle:             "Edit Title",
	EditBody:              "Edit Body",
	EditTags:              "Edit Tags",
	RollbackTitle:         "Rollback Title",
	RollbackBody:          "Rollback Body",
	RollbackTags:          "Rollback Tags",
	PostClosed:            "Post Closed",
	PostReopened:          "Post Reopened",
	PostDeleted:           "Post Deleted",
	PostUndeleted:         "Post Undeleted",
	PostLocked:            "Post Locked",
	PostUnlocked:          "Post Unlocked",
	CommunityOwned:        "Community Owned",
	PostMigrated:          "Post Migrated",
	QuestionMerged:        "Question Merged",
	QuestionProtected:     "Question Protected",
	QuestionUnprotected:   "Question Unprotected",
	QuestionUnmerged:      "Question Unmerged",
	SuggestedEditApplied:  "Suggested Edit Applied",
	PostTweeted:           "Post Tweeted",
	DiscussionMovedToChat: "Discussion moved to chat",
	PostNoticeAdded:       "Post Notice Added",
	PostNoticeRemoved:     "Post Notice Removed",
	PostMigratedAway:      "Post Migrated Away",
	PostMigratedHere:      "Post Migrated Here",
	PostMergeSource:       "Post Merge Source",
	PostMergeDestination:  "Post Merge Destination",
	CommunityBump:         "CommunityBump",
	SelectedHotQuestion:   "SelectedHotQuestion",
	RemovedHotQuestion:    "RemovedHotQuestion",
}

func (t PostHistoryType) String() string { return name(postHistoryTypeNames, "PostHistoryType", t) }

// LinkType is a post link's LinkTypeId.
type LinkType int

const (
	Linked    LinkType = 1 // the post links to the related post
	Duplicate LinkType = 3 // the post was closed as a duplicate of the related post
)

var linkTypeNames = map[LinkType]string{Linked: "Linked", Duplicate: "Duplicate"}

func (t LinkType) String() string { return name(linkTypeNames, "LinkType", t) }

// BadgeClass is a badge's Class.
type BadgeClass int

const (
	Gold   BadgeClass = 1
	Silver BadgeClass = 2
	Bronze BadgeClass = 3
)

var badgeClassNames = map[BadgeClass]string{Gold: "Gold", Silver: "Silver", Bronze: "Bronze"}

func (c BadgeClass) String() string { return name(badgeClassNames, "BadgeClass", c) }

// name spells a known number by its name and an unknown one as Type(n).
func name[T ~int](names map[T]string, typ string, n T) string {
	if s, ok := names[n]; ok {
		return s
	}
	return typ + "(" + strconv.Itoa(int(n)) + ")"
}
