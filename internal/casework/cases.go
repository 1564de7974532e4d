package casework

import (
	"context"
	"fmt"
	"strings"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

// CaseView is a case as the office sees it: the case, the flags that hold
// at the moment it was read, and (for a single case) the work samples.
type CaseView struct {
	advising.Case
	Flags       []advising.Flag
	WorkSamples []advising.WorkSample
}

// CaseQuery is what a caller asks the caseload list for. ListCases
// validates every member.
type CaseQuery struct {
	Statuses   []string // any of these statuses
	Flag       string
	Q          string // substring of the applicant's name or email
	AdvisorID  string // admin only
	Unassigned bool   // admin only
	Sort       string // "" for -updated_at
	Cursor     string
	Limit      int
}

// MaxQueryLen bounds the caseload search text.
const MaxQueryLen = 200

// caseCursor is the keyset position behind a caseload cursor. AsOf pins the
// orders whose key can move backwards past the position (updated_at
// ascending, next_follow_up_at) to the newest change before the first page:
// later pages leave out cases changed since, so no case is listed twice. In
// -updated_at a changed case moves to the front, and created_at never
// changes, so those orders need no pin.
type caseCursor struct {
	Sort string `json:"s"`
	At   string `json:"t,omitempty"` // sort key, RFC 3339; empty: no follow-up date
	ID   string `json:"i"`
	AsOf string `json:"a,omitempty"`
}

func officeOnly(a advising.Actor) error {
	if a.Role != advising.RoleAdvisor && a.Role != advising.RoleAdmin {
		return advising.Errorf(advising.CodeForbidden, "only advisors and admin may use this endpoint")
	}
	return nil
}

var errCaseNotFound = advising.Errorf(advising.CodeNotFound, "case not found")

// caseFilter checks a caseload query for a in the order the API reports
// problems and turns it into the store's filter, scoped to an advisor's own
// caseload.
func (s *Service) caseFilter(a advising.Actor, q CaseQuery) (store.CaseFilter, error) {
	if err := officeOnly(a); err != nil {
		return store.CaseFilter{}, err
	}
	if a.Role == advising.RoleAdvisor && (q.AdvisorID != "" || q.Unassigned) {
		return store.CaseFilter{}, advising.Errorf(advising.CodeForbidden, "only admin may filter by advisor_id or unassigned")
	}
	f := store.CaseFilter{AdvisorID: q.AdvisorID, Unassigned: q.Unassigned, Sort: store.CaseSort(q.Sort),
		Flag: advising.Flag(q.Flag), Query: q.Q, Clock: advising.NewFlagClock(s.clock())}
	if a.Role == advising.RoleAdvisor {
		f.AdvisorID = a.UserID
	}
	var v advising.Validator
	checkStatuses(&v, q.Statuses, &f)
	v.Check(q.Flag == "" || f.Flag.Valid(), "flag", "must be one of: "+joinFlags())
	if f.Sort == "" {
		f.Sort = store.SortUpdatedDesc
	}
	v.Check(f.Sort.Valid(), "sort", "must be one of: -updated_at, updated_at, next_follow_up_at, created_at")
	v.Check(len([]rune(q.Q)) <= MaxQueryLen, "q", "must be at most 200 characters")
	v.Check(q.AdvisorID == "" || !q.Unassigned, "unassigned", "cannot be combined with advisor_id")
	return f, v.Err()
}

// CountCases counts the cases ListCases would list for the same query over
// every page (Cursor and Limit are ignored), with the same errors.
func (s *Service) CountCases(ctx context.Context, a advising.Actor, q CaseQuery) (int, error) {
	f, err := s.caseFilter(a, q)
	if err != nil {
		return 0, err
	}
	return s.st.CountCases(ctx, f)
}

// ListCases returns a page of case summaries with their flags: an advisor's
// own caseload, or for admin every case. Unknown statuses, flags and sorts,
// a bad cursor or limit are CodeInvalid; an advisor filtering by advisor or
// for unassigned cases gets CodeForbidden, an applicant too.
func (s *Service) ListCases(ctx context.Context, a advising.Actor, q CaseQuery) (Page[CaseView], error) {
	f, err := s.caseFilter(a, q)
	if err != nil {
		return Page[CaseView]{}, err
	}
	return s.listCases(ctx, f, q)
}

// listCases is ListCases past caseFilter: f is q's filter.
func (s *Service) listCases(ctx context.Context, f store.CaseFilter, q CaseQuery) (Page[CaseView], error) {
	limit, err := checkLimit(q.Limit)
	if err != nil {
		return Page[CaseView]{}, err
	}
	var cur caseCursor
	if err := decodeCursor(q.Cursor, &cur); err != nil {
		return Page[CaseView]{}, err
	}
	var asOf time.Time
	pinned := f.Sort == store.SortUpdatedAsc || f.Sort == store.SortFollowUp
	switch {
	case q.Cursor != "":
		if f.After, asOf, err = cur.position(f.Sort); err != nil {
			return Page[CaseView]{}, err
		}
		if pinned {
			f.AsOf = &asOf
		}
	case pinned:
		// Read before the page, so any change the page does not show is
		// newer than asOf and later pages leave that case out.
		if asOf, err = s.st.LastCaseChange(ctx); err != nil {
			return Page[CaseView]{}, err
		}
	}
	f.Limit = limit
	rows, err := s.st.ListCases(ctx, f)
	if err != nil {
		return Page[CaseView]{}, err
	}
	p := paginate(rows, limit, func(c advising.Case) any { return newCaseCursor(f.Sort, c, asOf) })
	return Page[CaseView]{Items: s.views(p.Items, f.Clock), NextCursor: p.NextCursor}, nil
}

func newCaseCursor(sort store.CaseSort, c advising.Case, asOf time.Time) caseCursor {
	cur := caseCursor{Sort: string(sort), ID: c.ID}
	var at *time.Time
	switch sort {
	case store.SortUpdatedAsc, store.SortUpdatedDesc:
		at = &c.UpdatedAt
	case store.SortCreatedAsc:
		at = &c.CreatedAt
	case store.SortFollowUp:
		at = c.NextFollowUpAt
	}
	if at != nil {
		cur.At = at.UTC().Format(time.RFC3339Nano)
	}
	if sort == store.SortUpdatedAsc || sort == store.SortFollowUp {
		cur.AsOf = asOf.UTC().Format(time.RFC3339Nano)
	}
	return cur
}

// position turns a cursor back into a keyset position, refusing one made
// for another order.
func (cur caseCursor) position(sort store.CaseSort) (*store.CaseKey, time.Time, error) {
	bad := advising.Invalid(advising.FieldError{Field: "cursor", Message: "is not a cursor this list returned"})
	if cur.Sort != string(sort) || cur.ID == "" {
		return nil, time.Time{}, bad
	}
	k := &store.CaseKey{ID: cur.ID}
	if cur.At != "" {
		t, err := time.Parse(time.RFC3339Nano, cur.At)
		if err != nil {
			return nil, time.Time{}, bad
		}
		k.At = &t
	} else if sort != store.SortFollowUp {
		return nil, time.Time{}, bad
	}
	var asOf time.Time
	if cur.AsOf != "" {
		t, err := time.Parse(time.RFC3339Nano, cur.AsOf)
		if err != nil {
			return nil, time.Time{}, bad
		}
		asOf = t
	}
	return k, asOf, nil
}

func joinFlags() string {
	names := make([]string, len(advising.Flags))
	for i, f := range advising.Flags {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// views adds the flags that hold at fc to each case.
func (s *Service) views(cs []advising.Case, fc advising.FlagClock) []CaseView {
	out := make([]CaseView, len(cs))
	for i, c := range cs {
		out[i] = CaseView{Case: c, Flags: fc.ComputeFlags(c.FlagFacts())}
	}
	return out
}

// Case returns a whole case with its flags and work samples to its assigned
// advisor or admin. Anyone else gets CodeNotFound (applicants
// CodeForbidden), so a case outside one's caseload does not show it exists.
func (s *Service) Case(ctx context.Context, a advising.Actor, caseID string) (CaseView, error) {
	if err := officeOnly(a); err != nil {
		return CaseView{}, err
	}
	return s.caseView(ctx, s.st, a, caseID)
}

// caseView reads a whole case through st (the store or a transaction) and
// applies the caseload rule.
func (s *Service) caseView(ctx context.Context, st *store.Store, a advising.Actor, caseID string) (CaseView, error) {
	c, err := st.CaseByID(ctx, caseID)
	if err != nil {
		return CaseView{}, err
	}
	if !advising.OfficeMaySee(a, advisorID(c)) {
		return CaseView{}, errCaseNotFound
	}
	ws, err := st.WorkSamplesByApplicant(ctx, c.ApplicantID)
	if err != nil {
		return CaseView{}, err
	}
	return CaseView{Case: c, Flags: advising.NewFlagClock(s.clock()).ComputeFlags(c.FlagFacts()), WorkSamples: ws}, nil
}

func advisorID(c advising.Case) *string {
	if c.Advisor == nil {
		return nil
	}
	return &c.Advisor.ID
}

// Precondition tells whether the caller's condition on a case (an If-Match)
// holds for the case's current version; nil means unconditional.
type Precondition func(caseID string, version int) bool

// CaseUpdate are the changes UpdateCase may make. A nil Status leaves the
// status alone; SetFollowUp says whether NextFollowUpAt (nil to clear) applies.
type CaseUpdate struct {
	Status         *advising.Status
	SetFollowUp    bool
	NextFollowUpAt *time.Time
}

// errPastFollowUp refuses a follow-up on a day that is over.
var errPastFollowUp = advising.Invalid(advising.FieldError{Field: "next_follow_up_at",
	Message: "must not be in the past: choose today or a later date"})

// UpdateCase changes a case's status and/or follow-up date for its assigned
// advisor or admin, and returns the case. A follow-up on a day already over
// in the office's time zone is CodeInvalid. An illegal transition, including
// any change to recommended, is CodeConflict; a failed precondition
// CodePreconditionFailed; a case the caller may not see CodeNotFound. A
// change that changes nothing writes nothing.
func (s *Service) UpdateCase(ctx context.Context, a advising.Actor, caseID string, u CaseUpdate, pre Precondition) (CaseView, error) {
	if err := officeOnly(a); err != nil {
		return CaseView{}, err
	}
	if u.Status != nil && !u.Status.Valid() {
		return CaseView{}, advising.Invalid(advising.FieldError{Field: "status", Message: "must be one of: new, evidence_collection, under_review, recommended, closed"})
	}
	var view CaseView
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.LockCase(ctx, caseID); err != nil {
			return err
		}
		now := s.clock() // after the case's lock: its times follow commit order
		ca, err := tx.CaseAccessByID(ctx, caseID)
		if err != nil {
			return err
		}
		if !advising.OfficeMaySee(a, ca.AdvisorID) {
			return errCaseNotFound
		}
		if pre != nil && !pre(ca.ID, ca.Version) {
			return advising.Errorf(advising.CodePreconditionFailed, "the case has changed since it was read")
		}
		var ch store.CaseChanges
		if u.Status != nil {
			switch to := *u.Status; {
			case to == advising.StatusRecommended:
				return advising.Errorf(advising.CodeConflict, "a case reaches recommended only by recording a recommendation")
			case !advising.CanTransition(ca.Status, to):
				return advising.Errorf(advising.CodeConflict, "a case cannot move from %s to %s", ca.Status, to)
			}
			ch.Status = u.Status
		}
		if u.SetFollowUp {
			ch.SetFollowUp = true
			if u.NextFollowUpAt != nil && !advising.FollowUpAllowed(*u.NextFollowUpAt, now, s.loc) {
				return errPastFollowUp
			}
			if u.NextFollowUpAt != nil {
				// Stored in UTC at the precision every supported database keeps.
				at := u.NextFollowUpAt.UTC().Truncate(time.Microsecond)
				ch.NextFollowUpAt = &at
			}
		}
		if ch.Status != nil || ch.SetFollowUp {
			if err := tx.UpdateCase(ctx, ca.ID, ch, now); err != nil {
				return err
			}
			action := "case.updated"
			var changes []advising.FieldChange
			if ch.Status != nil {
				action = "case.status_changed"
				changes = append(changes, change("status", optional(&ca.Status), string(*ch.Status)))
			}
			if err := audit(ctx, tx, a, now, action, "case", ca.ID, ca.ID, changes...); err != nil {
				return err
			}
		}
		view, err = s.caseView(ctx, tx, a, ca.ID)
		return err
	})
	return view, err
}

// AssignCase lets admin give a case to an advisor, or take it back with a
// nil advisorID. The advisor must exist, be an advisor and be enabled, else
// CodeInvalid; an unknown case is CodeNotFound. Assigning the current
// advisor again changes nothing.
func (s *Service) AssignCase(ctx context.Context, a advising.Actor, caseID string, advisorID *string) (CaseView, error) {
	if !a.IsAdmin() {
		return CaseView{}, advising.Errorf(advising.CodeForbidden, "only admin may assign cases")
	}
	var view CaseView
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		if advisorID != nil {
			// The advisor's row first, then the case's, in every transaction
			// that takes both, so two never wait on each other.
			ok, err := tx.LockEnabledAdvisor(ctx, *advisorID)
			if err != nil {
				return err
			}
			if !ok {
				return advising.Invalid(advising.FieldError{Field: "advisor_id", Message: "must be the id of an enabled advisor"})
			}
		}
		if err := tx.LockCase(ctx, caseID); err != nil {
			return err
		}
		now := s.clock() // after the case's lock: its times follow commit order
		ca, err := tx.CaseAccessByID(ctx, caseID)
		if err != nil {
			return err
		}
		same := (ca.AdvisorID == nil && advisorID == nil) || (ca.AdvisorID != nil && advisorID != nil && *ca.AdvisorID == *advisorID)
		if !same {
			if err := tx.SetCaseAdvisor(ctx, ca.ID, advisorID, now); err != nil {
				return err
			}
			action := "case.assigned"
			if advisorID == nil {
				action = "case.unassigned"
			}
			ch := advising.FieldChange{Field: "advisor_id", Old: ca.AdvisorID, New: advisorID}
			if err := audit(ctx, tx, a, now, action, "case", ca.ID, ca.ID, ch); err != nil {
				return err
			}
		}
		view, err = s.caseView(ctx, tx, a, ca.ID)
		return err
	})
	return view, err
}

// MaxRationaleLen is the longest recommendation rationale, in characters.
const MaxRationaleLen = 5000

// Recommend records the assigned advisor's (or admin's) programme
// recommendation and moves the case to recommended. It is CodeConflict
// unless the case is collecting evidence or under review; an unknown
// pathway or a rationale outside 1 to 5,000 characters is CodeInvalid.
func (s *Service) Recommend(ctx context.Context, a advising.Actor, caseID string, pathway advising.Pathway, rationale string) (CaseView, error) {
	if err := officeOnly(a); err != nil {
		return CaseView{}, err
	}
	var v advising.Validator
	v.Check(pathway == advising.PathwayTechnologyManagement || pathway == advising.PathwayEngineeringManagement ||
		pathway == advising.PathwayHybridSyllabusReview, "pathway", "must be one of: technology_management, engineering_management, hybrid_syllabus_review")
	n := len([]rune(rationale))
	v.Check(n >= 1 && n <= MaxRationaleLen && strings.TrimSpace(rationale) != "", "rationale", "must be 1 to 5000 characters")
	if err := v.Err(); err != nil {
		return CaseView{}, err
	}
	var view CaseView
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.LockCase(ctx, caseID); err != nil {
			return err
		}
		now := s.clock() // after the case's lock: its times follow commit order
		ca, err := tx.CaseAccessByID(ctx, caseID)
		if err != nil {
			return err
		}
		if !advising.OfficeMaySee(a, ca.AdvisorID) {
			return errCaseNotFound
		}
		if !advising.CanRecommend(ca.Status) {
			return advising.Errorf(advising.CodeConflict, "a recommendation can be recorded only while collecting evidence or under review, not in %s", ca.Status)
		}
		r := advising.Recommendation{Pathway: pathway, Rationale: rationale, DecidedBy: a.UserID, DecidedAt: now}
		if err := tx.SetRecommendation(ctx, ca.ID, r, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, now, "case.recommended", "case", ca.ID, ca.ID,
			change("pathway", nil, string(pathway)), change("status", optional(&ca.Status), string(advising.StatusRecommended))); err != nil {
			return err
		}
		view, err = s.caseView(ctx, tx, a, ca.ID)
		return err
	})
	return view, err
}

// BackdateCaseStatus lets admin say when a case reached its current status.
// Only the demo office uses it, to show cases of different ages.
func (s *Service) BackdateCaseStatus(ctx context.Context, a advising.Actor, caseID string, at time.Time) error {
	if !a.IsAdmin() {
		return advising.Errorf(advising.CodeForbidden, "only admin may backdate a case")
	}
	now := s.clock()
	return s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.BackdateStatusChange(ctx, caseID, at.UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "case.backdated", "case", caseID, caseID)
	})
}

// BackdateFollowUp lets admin give a case a follow-up date in the past,
// which UpdateCase refuses. Only the demo office and tests use it, to show
// overdue follow-ups without waiting for them.
func (s *Service) BackdateFollowUp(ctx context.Context, a advising.Actor, caseID string, at time.Time) error {
	if !a.IsAdmin() {
		return advising.Errorf(advising.CodeForbidden, "only admin may backdate a follow-up")
	}
	return s.st.Tx(ctx, func(tx *store.Store) error {
		now := s.clock()
		at := at.UTC().Truncate(time.Microsecond)
		if err := tx.UpdateCase(ctx, caseID, store.CaseChanges{SetFollowUp: true, NextFollowUpAt: &at}, now); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "case.backdated", "case", caseID, caseID)
	})
}

// checkStatuses validates a status filter into f: each status at most once,
// so never more values than statuses exist. A longer or repeated list is
// refused before any of it is looked at, so the filter's size, and the
// query's, stay bounded whatever is sent; one problem is reported for the
// whole list, not one per value.
func checkStatuses(v *advising.Validator, statuses []string, f *store.CaseFilter) {
	const msg = "must be a comma-separated list of: new, evidence_collection, under_review, recommended, closed"
	if len(statuses) > len(advising.Statuses) {
		v.Add("status", fmt.Sprintf("must name at most %d statuses, each once", len(advising.Statuses)))
		return
	}
	seen := make(map[advising.Status]bool, len(statuses))
	for _, raw := range statuses {
		st := advising.Status(raw)
		switch {
		case !st.Valid():
			v.Add("status", msg)
			return
		case seen[st]:
			v.Add("status", "must name each status at most once")
			return
		}
		seen[st] = true
		f.Statuses = append(f.Statuses, st)
	}
}

// MaxBulkCases is how many cases one bulk change may name: a page of the
// caseload at most.
const MaxBulkCases = MaxLimit

// BulkResult is what a bulk change did to one case: Err is nil when the
// change was made (or there was nothing to change), else why not.
type BulkResult struct {
	CaseID string
	Case   CaseView // the case after the change; empty when Err is set
	Err    error
}

// UpdateCases makes the same change to each named case, each in its own
// transaction with its own audit event, under the rules of UpdateCase: a
// case the caller may not see, or one whose status cannot move, is
// reported and left as it was while the others change. Naming no case,
// more than MaxBulkCases, or one twice is CodeInvalid; so is a change that
// is wrong for every case (an unknown status, a follow-up in the past),
// before any case is touched.
func (s *Service) UpdateCases(ctx context.Context, a advising.Actor, caseIDs []string, u CaseUpdate) ([]BulkResult, error) {
	if err := officeOnly(a); err != nil {
		return nil, err
	}
	var v advising.Validator
	checkBulkIDs(&v, caseIDs)
	v.Check(u.Status != nil || u.SetFollowUp, "change", "must change the status or the follow-up date")
	if u.Status != nil {
		v.Check(u.Status.Valid(), "status", "must be one of: new, evidence_collection, under_review, recommended, closed")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if u.SetFollowUp && u.NextFollowUpAt != nil && !advising.FollowUpAllowed(*u.NextFollowUpAt, s.clock(), s.loc) {
		return nil, errPastFollowUp
	}
	out := make([]BulkResult, 0, len(caseIDs))
	for _, id := range caseIDs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		cv, err := s.UpdateCase(ctx, a, id, u, nil)
		if err != nil && !bulkRefusal(err) {
			return out, err // the database, not the case: stop here
		}
		out = append(out, BulkResult{CaseID: id, Case: cv, Err: err})
	}
	return out, nil
}

// checkBulkIDs checks the case IDs of a bulk change: at least one, at most
// MaxBulkCases, each once.
func checkBulkIDs(v *advising.Validator, caseIDs []string) {
	v.Check(len(caseIDs) > 0, "case_ids", "must name at least one case")
	v.Check(len(caseIDs) <= MaxBulkCases, "case_ids", fmt.Sprintf("must name at most %d cases", MaxBulkCases))
	seen := make(map[string]bool, len(caseIDs))
	for _, id := range caseIDs {
		v.Check(!seen[id], "case_ids", "must name each case once")
		seen[id] = true
	}
}

// AssignCases gives each named case to the advisor (nil: to no one), each
// in its own transaction with its own audit event, under the rules of
// AssignCase: a case that no longer exists is reported and left out while
// the others change. Naming no case, more than MaxBulkCases, or one twice
// is CodeInvalid before any case is touched. An advisor who is not an
// enabled advisor is CodeInvalid too, and stops the change at the first
// case it meets: before any case when it was so from the start, with the
// results so far when the advisor was disabled midway.
func (s *Service) AssignCases(ctx context.Context, a advising.Actor, caseIDs []string, advisorID *string) ([]BulkResult, error) {
	if !a.IsAdmin() {
		return nil, advising.Errorf(advising.CodeForbidden, "only admin may assign cases")
	}
	var v advising.Validator
	checkBulkIDs(&v, caseIDs)
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := make([]BulkResult, 0, len(caseIDs))
	for _, id := range caseIDs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		cv, err := s.AssignCase(ctx, a, id, advisorID)
		if err != nil && advising.ErrorCode(err) != advising.CodeNotFound {
			return out, err // the advisor, or the database: not this case
		}
		out = append(out, BulkResult{CaseID: id, Case: cv, Err: err})
	}
	return out, nil
}

// bulkRefusal reports whether err is about one case (not found, not
// allowed, a conflict), so a bulk change reports it and goes on.
func bulkRefusal(err error) bool {
	switch advising.ErrorCode(err) {
	case advising.CodeNotFound, advising.CodeConflict, advising.CodeInvalid, advising.CodePreconditionFailed:
		return true
	}
	return false
}
