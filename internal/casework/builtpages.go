package casework

import (
	"context"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"advising/internal/advising"
	"advising/internal/store"
)

// builtPagesMax bounds the caseload pages kept built: about 8 MiB of
// 50-case pages.
const builtPagesMax = 256

// builtPages keeps caseload pages in the form the API answers with, so that
// a page asked for again while nothing it shows has changed is not built
// again. An entry serves while its caseload's change number
// (store.CaseloadVersion, kept by the database for every instance) is the
// one read before the page was built, and until the first instant the flag
// of one of its cases may change (advising.FlagClock.FlagsHoldUntil), and
// not if the clock has gone back to before it was built. An
// entry belongs to one person and one query: nobody is served a page built
// for someone else.
type builtPages = lru.Cache[pageKey, builtPage]

type pageKey struct {
	user, role                         string
	statuses, q, advisor, sort, cursor string
	unassigned                         bool
	limit                              int
}

type builtPage struct {
	version     int64
	from, until time.Time // the clock's span over which its flags hold
	body        []byte
}

func newBuiltPages() *builtPages {
	c, err := lru.New[pageKey, builtPage](builtPagesMax)
	if err != nil { // only for a size below one
		panic(err)
	}
	return c
}

// CaseListBuilt answers a caseload query with the bytes encode makes of
// its page, reusing the bytes built before for the same person and query
// while they still hold. The errors are those of ListCases. Lists that
// the clock reorders or filters (a flag filter, the pinned orders
// updated_at and next_follow_up_at) are built every time.
func (s *Service) CaseListBuilt(ctx context.Context, a advising.Actor, q CaseQuery,
	encode func(Page[CaseView]) ([]byte, error)) ([]byte, error) {
	f, err := s.caseFilter(a, q)
	if err != nil {
		return nil, err
	}
	if f.Flag != "" || f.Sort == store.SortUpdatedAsc || f.Sort == store.SortFollowUp {
		p, err := s.listCases(ctx, f, q)
		if err != nil {
			return nil, err
		}
		return encode(p)
	}
	key := pageKey{user: a.UserID, role: string(a.Role), statuses: strings.Join(q.Statuses, ","), q: q.Q,
		advisor: q.AdvisorID, sort: q.Sort, cursor: q.Cursor, unassigned: q.Unassigned, limit: q.Limit}
	// Read before the page: a change committed meanwhile raises the number
	// past the one stored, so the page is built again next time.
	version, err := s.st.CaseloadVersion(ctx, f)
	if err != nil {
		return nil, err
	}
	// The filter's clock is the request's: the page's flags are computed at it.
	fc := f.Clock
	if e, ok := s.pages.Get(key); ok && e.version == version && !fc.Now.Before(e.from) && fc.Now.Before(e.until) {
		return e.body, nil
	}
	p, err := s.listCases(ctx, f, q)
	if err != nil {
		return nil, err
	}
	body, err := encode(p)
	if err != nil {
		return nil, err
	}
	until := fc.FlagsHoldUntil(advising.FlagFacts{}) // the screening windows
	for _, v := range p.Items {
		if u := fc.FlagsHoldUntil(v.FlagFacts()); u.Before(until) {
			until = u
		}
	}
	s.pages.Add(key, builtPage{version: version, from: fc.Now, until: until, body: body})
	return body, nil
}
