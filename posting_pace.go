package parley

import (
	"context"
	"strconv"
)

// Limiter is a rate limit per key (an account, an address); auth.Limiter is one. Allow
// reports whether key may act now and counts the event if so; an error means the limit
// could not be checked.
type Limiter interface {
	Allow(ctx context.Context, key string) (bool, error)
}

// PostingLimits are the rates at which one account, and one network address whoever is
// signed in, may post (new threads, replies and edits) and ask for previews. A nil
// limiter limits nothing.
type PostingLimits struct {
	Post, PostAddress       Limiter
	Preview, PreviewAddress Limiter
}

// pace holds back a writer who posts, or asks for previews, faster than the limits per
// account and per address allow. then completes "Wait a minute, then …".
func (p *Posting) pace(ctx context.Context, a Actor, preview bool, then string) error {
	account, address, doing := p.Limits.Post, p.Limits.PostAddress, "posting"
	if preview {
		account, address, doing = p.Limits.Preview, p.Limits.PreviewAddress, "asking for previews"
	}
	if !p.allow(ctx, account, doing+" per account", strconv.FormatInt(a.User.ID, 10)) || !p.allow(ctx, address, doing+" per address", a.Address) {
		return Errorf(ETooMany, "You are %s faster than the forum allows. Wait a minute, then %s.", doing, then)
	}
	return nil
}

// allow reports whether key may act under l, named in the log as limit. A limit that cannot be checked lets the post
// through: these limits are a brake on floods, not a guard, and refusing a post because a
// counter was not read would turn a counter's trouble into an outage of writing.
func (p *Posting) allow(ctx context.Context, l Limiter, limit, key string) bool {
	if l == nil {
		return true
	}
	ok, err := l.Allow(ctx, key)
	if err != nil {
		if ctx.Err() == nil && p.Log != nil {
			p.Log.Error("rate limit not checked", "limit", limit, "let_through", true, "err", err)
		}
		return true
	}
	return ok
}
