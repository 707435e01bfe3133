package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-forum/parley"
)

// Users are planned as slots before they get ids. Slot 0 is the admin, slots 1..staff
// are staff, the next ones moderators and the rest members. Within each group a lower
// slot is a more active user. After the first pass, when each slot's first post is
// known, every slot gets a sign-up time before it, and ids are handed out in order of
// sign-up time, as a real forum would have them: the admin is user 1.

func (g *generator) role(slot int32) parley.Role {
	switch {
	case slot == 0:
		return parley.RoleAdmin
	case int(slot) <= g.staff:
		return parley.RoleStaff
	case int(slot) <= g.staff+g.mods:
		return parley.RoleModerator
	}
	return parley.RoleMember
}

// staffSlot draws a staff member (or, rarely, the admin); a few engineers write most
// staff posts.
func (g *generator) staffSlot(r *rand.Rand) int32 {
	u := r.Float64()
	k := int(float64(g.staff+1) * u * u)
	if k >= g.staff {
		return 0
	}
	return int32(1 + k)
}

// askerSlot draws someone who is not staff to start a thread.
func (g *generator) askerSlot(r *rand.Rand) int32 {
	u := r.Float64()
	return int32(g.staff + 1 + int(float64(g.cfg.Users-g.staff-1)*u*u))
}

// answererSlot draws someone who is not staff to reply; replies are more concentrated
// among regulars than questions are.
func (g *generator) answererSlot(r *rand.Rand) int32 {
	u := r.Float64()
	u *= u
	return int32(g.staff + 1 + int(float64(g.cfg.Users-g.staff-1)*u*u))
}

// userPlan is what the first pass learns about a slot.
type userPlan struct {
	threads, posts int64
	first          int64 // time of the first post, in milliseconds
}

// assignIDs gives every slot a sign-up time and an id, in sign-up order.
func (g *generator) assignIDs(r *rand.Rand) {
	n := g.cfg.Users
	floor := g.start - 365*day
	created := make([]int64, n)
	for s := range created {
		u := &g.plans[s]
		switch {
		case s == 0:
			created[s] = floor - day
		case u.posts > 0:
			gap := max(int64(logNormal(r, math.Log(float64(20*day)), 1.5)), 60_000)
			created[s] = max(u.first-gap, floor)
		default:
			created[s] = floor + r.Int64N(g.now-hour-floor)
		}
	}
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(created[a], created[b]), cmp.Compare(a, b))
	})
	g.slotID = make([]int32, n)
	g.idSlot = order
	g.created = make([]int64, n)
	for i, s := range order {
		g.slotID[s] = int32(i + 1)
		g.created[i] = created[s]
	}
}

// authorOf returns the author shown for a user slot.
func (g *generator) authorOf(slot int32) *parley.Author {
	return &g.authors[g.slotID[slot]]
}

// makeUsers writes every user's names, badge and signature, by id.
func (g *generator) makeUsers(r *rand.Rand, rend Renderer) []parley.User {
	n := g.cfg.Users
	users := make([]parley.User, n)
	g.authors = make([]parley.Author, n+1)
	taken := make(map[string]bool, n)
	taken["admin"] = true
	rendered := map[string]string{}
	render := func(md string) string {
		html, ok := rendered[md]
		if !ok {
			html = rend.Render(md)
			rendered[md] = html
		}
		return html
	}
	e := &expander{r: r, tids: int64(max(g.cfg.Threads/20, 1))}
	memberSigs := make([]string, 48)
	for i := range memberSigs {
		e.reset(&g.subs[0])
		memberSigs[i] = string(e.fill(nil, memberSignatures[i%len(memberSignatures)]))
	}
	var buf []byte
	for i := range users {
		id := int64(i + 1)
		slot := g.idSlot[i]
		plan := &g.plans[slot]
		u := &users[i]
		u.ID = id
		u.Role = g.role(slot)
		u.CreatedAt = time.UnixMilli(g.created[i]).UTC()
		u.ThreadCount, u.PostCount = plan.threads, plan.posts
		first, last := pick(r, firstNames), pick(r, lastNames)
		switch {
		case u.Role == parley.RoleAdmin:
			u.Handle, u.DisplayName, u.Badge = "admin", "Forum Admin", "Administrator"
			u.Signature = "The forum team. Please read the [posting guidelines](/threads/1) before you ask, and flag posts that break them."
		case u.Role == parley.RoleStaff:
			u.Handle = uniqueHandle(r, taken, handleFor(r, first, last))
			u.DisplayName = first + " " + last
			u.Badge = pick(r, staffBadges)
			e.reset(&g.subs[0])
			e.first, e.lastInitial, e.badge = first, lastInitialOf(last), u.Badge
			buf = e.fill(buf[:0], pick(r, staffSignatures))
			u.Signature = string(buf)
		default:
			u.Handle = uniqueHandle(r, taken, handleFor(r, first, last))
			switch x := r.IntN(20); {
			case x < 17:
				u.DisplayName = first + " " + last
			case x < 19:
				u.DisplayName = first + " " + lastInitialOf(last) + "."
			default:
				u.DisplayName = u.Handle
			}
			if u.Role == parley.RoleModerator {
				u.Badge = pick(r, moderatorBadges)
			}
			if chance(r, 0.1) {
				u.Signature = pick(r, memberSigs)
			}
		}
		if u.Signature != "" {
			u.SignatureHTML = render(u.Signature)
		}
		g.authors[id] = parley.Author{ID: id, Handle: u.Handle, DisplayName: u.DisplayName, Role: u.Role, Badge: u.Badge}
	}
	return users
}

func lastInitialOf(last string) string {
	for _, c := range last {
		return string(c)
	}
	return ""
}

// handleFor suggests a handle in one of the styles people pick: "jsmith42",
// "mariagarcia", "wei7", "packetfox".
func handleFor(r *rand.Rand, first, last string) string {
	f, l := asciiLower(first), asciiLower(last)
	if f == "" {
		f = "user"
	}
	if l == "" {
		l = "dev"
	}
	switch x := r.IntN(100); {
	case x < 40:
		return f[:1] + l + strconv.Itoa(r.IntN(100))
	case x < 60:
		return f + l
	case x < 75:
		return f + strconv.Itoa(1+r.IntN(9999))
	case x < 90:
		h := pick(r, handleWords) + pick(r, handleWords)
		if chance(r, 0.5) {
			h += strconv.Itoa(r.IntN(100))
		}
		return h
	}
	return f + l[:1] + strconv.Itoa(r.IntN(1000))
}

// uniqueHandle returns h, or h with digits added until no one else has it.
func uniqueHandle(r *rand.Rand, taken map[string]bool, h string) string {
	for taken[h] {
		h += strconv.Itoa(r.IntN(10))
	}
	taken[h] = true
	return h
}

// asciiLower lower-cases a name for a handle, spelling common accented letters
// without their accents and dropping anything else that is not a letter.
func asciiLower(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteRune(c)
		case strings.ContainsRune("áàâäãå", c):
			b.WriteByte('a')
		case strings.ContainsRune("éèêë", c):
			b.WriteByte('e')
		case strings.ContainsRune("íìîï", c):
			b.WriteByte('i')
		case strings.ContainsRune("óòôöõø", c):
			b.WriteByte('o')
		case strings.ContainsRune("úùûü", c):
			b.WriteByte('u')
		case c == 'ñ' || c == 'ń':
			b.WriteByte('n')
		case c == 'ç':
			b.WriteByte('c')
		case c == 'ł':
			b.WriteByte('l')
		case c == 'ś':
			b.WriteByte('s')
		case c == 'ź' || c == 'ż':
			b.WriteByte('z')
		}
	}
	return b.String()
}
