package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"advising/internal/advising"
)

// summaryColumns and summaryFrom read everything a case summary needs in one
// pass but the advisor's name: the case with its evidence counters and its
// copy of the profile fields flags depend on, and the applicant.
// scanSummary reads them in order; fillAdvisors adds the advisors' names
// with one more statement per page.
const (
	summaryColumns = `c.id, c.status, c.status_changed_at, c.next_follow_up_at,
	c.ws_total, c.ws_tm, c.ws_em, c.ws_hybrid, c.ws_insufficient, c.ws_review, c.version, c.created_at, c.updated_at,
	c.applicant_id, a.full_name, a.email, c.advisor_id,
	c.programme_interest, c.years_experience, c.target_intake`
	summaryFrom = `
	FROM cases c
	JOIN users a ON a.id = c.applicant_id`
)

// summaryScan holds the nullable and converted columns of a summary row.
// appendSummaries keeps one per query and scans each row straight into its
// place in the result, so a page allocates no Case per row.
type summaryScan struct {
	status                              string
	nfu                                 sql.NullTime
	advID, interest, intake             sql.NullString
	years                               sql.NullInt64
	total, tm, em, hybrid, insufficient int
	review                              int
}

// scanSummary reads one row of summaryColumns into c. Of the profile, only
// the fields flags depend on are filled.
func scanSummary(rows *sql.Rows, c *advising.Case, sc *summaryScan) error {
	err := rows.Scan(&c.ID, &sc.status, &c.StatusChangedAt, &sc.nfu,
		&sc.total, &sc.tm, &sc.em, &sc.hybrid, &sc.insufficient, &sc.review, &c.Version, &c.CreatedAt, &c.UpdatedAt,
		&c.Applicant.ID, &c.Applicant.FullName, &c.Applicant.Email, &sc.advID,
		&sc.interest, &sc.years, &sc.intake)
	if err != nil {
		return fmt.Errorf("scan case: %w", err)
	}
	c.Status = advising.Status(sc.status)
	c.ApplicantID = c.Applicant.ID
	c.StatusChangedAt, c.CreatedAt, c.UpdatedAt = c.StatusChangedAt.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if sc.nfu.Valid {
		t := sc.nfu.Time.UTC()
		c.NextFollowUpAt = &t
	}
	c.Evidence = advising.Evidence{WorkSamples: sc.total, TechnologyManagement: sc.tm, EngineeringManagement: sc.em,
		Hybrid: sc.hybrid, InsufficientEvidence: sc.insufficient, AwaitingReview: sc.review}
	if sc.advID.Valid {
		c.Advisor = &advising.UserRef{ID: sc.advID.String}
	}
	if sc.interest.Valid {
		v := sc.interest.String
		c.Profile.ProgrammeInterest = &v
	}
	if sc.intake.Valid {
		v := sc.intake.String
		c.Profile.TargetIntake = &v
	}
	if sc.years.Valid {
		y := int(sc.years.Int64)
		c.Profile.YearsExperience = &y
	}
	return nil
}

// CaseSort is an order of the caseload list. Every order breaks ties by id.
type CaseSort string

// The caseload orders the contract offers.
const (
	SortUpdatedDesc CaseSort = "-updated_at"
	SortUpdatedAsc  CaseSort = "updated_at"
	SortFollowUp    CaseSort = "next_follow_up_at" // cases without a follow-up come last
	SortCreatedAsc  CaseSort = "created_at"
)

// Valid reports whether s is one of the offered orders.
func (s CaseSort) Valid() bool {
	switch s {
	case SortUpdatedDesc, SortUpdatedAsc, SortFollowUp, SortCreatedAsc:
		return true
	}
	return false
}

// CaseKey is a keyset position in a caseload order: the sort column's value
// and the id of the last case returned. For SortFollowUp a nil At means the
// position is among the cases without a follow-up date.
type CaseKey struct {
	At *time.Time
	ID string
}

// CaseFilter selects a page of the caseload. Filters combine with AND.
type CaseFilter struct {
	AdvisorID  string // only this advisor's cases; "" for every advisor
	Unassigned bool   // only cases without an advisor
	Statuses   []advising.Status
	Flag       advising.Flag // "" for any; evaluated at Clock
	Clock      advising.FlagClock
	Query      string // substring of the applicant's name or email, matched literally
	Sort       CaseSort
	After      *CaseKey   // continue after this position
	AsOf       *time.Time // leave out cases changed after this instant
	Limit      int
}

// flagPredicate is the SQL form of one flag, over the aliases of summaryFrom,
// with its arguments. It mirrors advising.FlagClock.ComputeFlags term for
// term (TestFlagFilterAgreesWithComputeFlags holds them together) and uses
// only portable SQL: integer arithmetic and string and timestamp comparisons.
func flagPredicate(f advising.Flag, fc advising.FlagClock) (string, []any) {
	const (
		programme = `(c.ws_tm + c.ws_em + c.ws_hybrid >= 2)`
		tmWins    = `(c.ws_tm > c.ws_em + c.ws_hybrid)`
		emWins    = `(c.ws_em > c.ws_tm + c.ws_hybrid)`
	)
	switch f {
	case advising.FlagInsufficientEvidence:
		return `c.ws_tm + c.ws_em + c.ws_hybrid < 2`, nil
	case advising.FlagInterestEvidenceMismatch:
		return `(` + programme + ` AND ((c.programme_interest = ? AND ` + emWins + `) OR (c.programme_interest = ? AND ` + tmWins + `)))`,
			[]any{string(advising.PathwayTechnologyManagement), string(advising.PathwayEngineeringManagement)}
	case advising.FlagHybridEvidence:
		return `(` + programme + ` AND NOT ` + tmWins + ` AND NOT ` + emWins + `)`, nil
	case advising.FlagLimitedTrackRecord:
		return `c.years_experience < ?`, []any{advising.LimitedTrackRecordYears}
	case advising.FlagScreeningWindowOpen:
		return `(c.target_intake > ? AND c.target_intake <= ?)`, []any{fc.Open.After, fc.Open.Through}
	case advising.FlagScreeningWindowApproaching:
		return `(c.target_intake > ? AND c.target_intake <= ?)`, []any{fc.Approaching.After, fc.Approaching.Through}
	case advising.FlagStalledEvidenceCollection:
		return `(c.status = ? AND c.status_changed_at < ?)`, []any{string(advising.StatusEvidenceCollection), fc.StalledBefore.UTC()}
	case advising.FlagFollowUpOverdue:
		return `(c.next_follow_up_at < ? AND c.status <> ?)`, []any{fc.Now.UTC(), string(advising.StatusClosed)}
	case advising.FlagUnassigned:
		return `c.advisor_id IS NULL`, nil
	case advising.FlagClassificationReview:
		return `c.ws_review > 0`, nil
	}
	return `1 = 0`, nil
}

// query builds a WHERE clause and its arguments.
type query struct {
	where []string
	args  []any
}

func (q *query) add(cond string, args ...any) {
	q.where = append(q.where, cond)
	q.args = append(q.args, args...)
}

func (q *query) sql() string {
	if len(q.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.where, " AND ")
}

// scope adds the filters that do not depend on the order.
func (f CaseFilter) scope(q *query) {
	if f.AdvisorID != "" {
		q.add("c.advisor_id = ?", f.AdvisorID)
	}
	if f.Unassigned {
		q.add("c.advisor_id IS NULL")
	}
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ss[i] = string(s)
		}
		q.add("c.status IN ?", ss)
	}
	if f.Flag != "" {
		// As a CASE, the predicate cannot bound an index range: the list
		// then walks the caseload's index in the page's order, testing the
		// flag inside the index, and stops at a full page, where a range on
		// (say) follow-up dates would read and sort every match first.
		cond, args := flagPredicate(f.Flag, f.Clock)
		q.add("CASE WHEN "+cond+" THEN 1 ELSE 0 END = 1", args...)
	}
	switch {
	case strings.Contains(f.Query, searchSeparator):
		q.add("1 = 0") // no name or email holds one (see searchSeparator)
	case f.Query != "":
		// One LIKE over the lower-cased name and email, tested inside the
		// list indexes (migration 00010).
		q.add(`c.search_text LIKE ? ESCAPE '\'`, likePattern(f.Query))
	}
	if f.AsOf != nil {
		q.add("c.updated_at <= ?", f.AsOf.UTC())
	}
}

// ListCases returns up to Limit+1 case summaries of the caseload in the
// filter's order, after the filter's keyset position; the caller uses the
// extra one to tell whether another page exists. Each summary's Profile
// holds only the fields flags depend on.
//
// It runs one query, except in SortFollowUp when a page reaches the end of
// the cases with a follow-up date and continues with those without: two;
// then one more for the advisors' names.
func (s *Store) ListCases(ctx context.Context, f CaseFilter) ([]advising.Case, error) {
	out, err := s.listCases(ctx, f)
	if err != nil {
		return nil, err
	}
	return out, s.fillAdvisors(ctx, out)
}

func (s *Store) listCases(ctx context.Context, f CaseFilter) ([]advising.Case, error) {
	want := f.Limit + 1
	var col, dir string
	switch f.Sort {
	case SortUpdatedAsc:
		col, dir = "c.updated_at", "ASC"
	case SortCreatedAsc:
		col, dir = "c.created_at", "ASC"
	case SortFollowUp:
		return s.listByFollowUp(ctx, f, want)
	default:
		col, dir = "c.updated_at", "DESC"
	}
	var q query
	f.scope(&q)
	if k := f.After; k != nil && k.At != nil {
		q.add(keyset(col, dir), k.At.UTC(), k.At.UTC(), k.ID)
	}
	out := make([]advising.Case, 0, want)
	order := " ORDER BY " + col + " " + dir + ", c.id " + dir
	if f.Query != "" || f.Flag != "" {
		// Find the page's cases in the index alone (every column the search
		// and the flags test is in it), then read the rows of those only:
		// PostgreSQL then tests the search inside the index too, as SQLite
		// does anyway, instead of reading each case's row to test it.
		var ids query
		ids.add("c.id IN (SELECT c.id FROM cases c"+q.sql()+order+" LIMIT ?)", append(q.args, want)...)
		return s.appendSummaries(ctx, out, ids, order, want)
	}
	return s.appendSummaries(ctx, out, q, order, want)
}

// CountCases counts the cases the filter selects, ignoring its order,
// position and limit.
func (s *Store) CountCases(ctx context.Context, f CaseFilter) (int, error) {
	f.After, f.AsOf = nil, nil
	var q query
	f.scope(&q)
	var n int
	if err := s.db.WithContext(ctx).Raw("SELECT COUNT(*)"+summaryFrom+q.sql(), q.args...).Row().Scan(&n); err != nil {
		return 0, fmt.Errorf("count cases: %w", err)
	}
	return n, nil
}

// keyset is the condition "after (?, ?)" for an order on col then id,
// written so that the index on (col, id) bounds the scan.
func keyset(col, dir string) string {
	if dir == "DESC" {
		return "(" + col + " <= ? AND (" + col + " < ? OR c.id < ?))"
	}
	return "(" + col + " >= ? AND (" + col + " > ? OR c.id > ?))"
}

// listByFollowUp pages through the cases with a follow-up date (earliest
// first), then those without (by id). Keeping the two apart lets both use
// the (next_follow_up_at, id) indexes whatever a database does with NULLs
// in ORDER BY.
func (s *Store) listByFollowUp(ctx context.Context, f CaseFilter, want int) ([]advising.Case, error) {
	out := make([]advising.Case, 0, want)
	if f.After == nil || f.After.At != nil {
		var q query
		f.scope(&q)
		q.add("c.next_follow_up_at IS NOT NULL")
		if k := f.After; k != nil {
			q.add(keyset("c.next_follow_up_at", "ASC"), k.At.UTC(), k.At.UTC(), k.ID)
		}
		var err error
		out, err = s.appendSummaries(ctx, out, q, " ORDER BY c.next_follow_up_at, c.id", want)
		if err != nil || len(out) == want {
			return out, err
		}
	}
	var q query
	f.scope(&q)
	q.add("c.next_follow_up_at IS NULL")
	if k := f.After; k != nil && k.At == nil {
		q.add("c.id > ?", k.ID)
	}
	return s.appendSummaries(ctx, out, q, " ORDER BY c.id", want-len(out))
}

// appendSummaries runs one summary query and appends up to limit rows to out.
func (s *Store) appendSummaries(ctx context.Context, out []advising.Case, q query, order string, limit int) ([]advising.Case, error) {
	args := append(q.args, limit)
	rows, err := s.db.WithContext(ctx).Raw("SELECT "+summaryColumns+summaryFrom+q.sql()+order+" LIMIT ?", args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	var sc summaryScan
	for rows.Next() {
		out = append(out, advising.Case{})
		if err := scanSummary(rows, &out[len(out)-1], &sc); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return out, nil
}

// fillAdvisors sets the names of the cases' advisors with one query. A page
// usually has one advisor (an advisor's own caseload) or a handful, so this
// is cheaper than joining users for every row.
func (s *Store) fillAdvisors(ctx context.Context, cases []advising.Case) error {
	names := map[string]string{}
	for _, c := range cases {
		if c.Advisor != nil && c.Advisor.FullName == "" {
			names[c.Advisor.ID] = ""
		}
	}
	if len(names) == 0 {
		return nil
	}
	ids := make([]string, 0, len(names))
	for id := range names {
		ids = append(ids, id)
	}
	rows, err := s.db.WithContext(ctx).Raw("SELECT id, full_name FROM users WHERE id IN ?", ids).Rows()
	if err != nil {
		return fmt.Errorf("advisor names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return fmt.Errorf("scan advisor name: %w", err)
		}
		names[id] = name
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("advisor names: %w", err)
	}
	for i := range cases {
		if a := cases[i].Advisor; a != nil && a.FullName == "" {
			a.FullName = names[a.ID]
		}
	}
	return nil
}

// CaseloadCounts counts a caseload's cases by status and by flag, and the
// open (not closed) cases of each advisor in it.
type CaseloadCounts struct {
	ByStatus      map[advising.Status]int
	ByFlag        map[advising.Flag]int
	OpenByAdvisor map[string]int
}

// clockFlags are the flags that depend on the clock, in the order
// CountCaseload counts them. They are never stored on the case.
var clockFlags = []advising.Flag{advising.FlagFollowUpOverdue, advising.FlagStalledEvidenceCollection,
	advising.FlagScreeningWindowOpen, advising.FlagScreeningWindowApproaching}

// CountCaseload counts the cases of one advisor's caseload, or of the whole
// office when advisorID is "", by status and by the flags that hold at fc.
// It reads the counters the database keeps with every case write (migration
// 00011): case_counts by advisor, status and static flags, and
// case_day_counts by the day (or month) each clock-dependent flag compares.
// Whole days before the flag's boundary are added up; the cases of the
// boundary's own day are counted as an index range of cases, with the flag
// filter's own terms. The cost follows the number of advisors and days, not
// the number of cases.
func (s *Store) CountCaseload(ctx context.Context, advisorID string, fc advising.FlagClock) (CaseloadCounts, error) {
	out := CaseloadCounts{ByStatus: map[advising.Status]int{}, ByFlag: map[advising.Flag]int{}, OpenByAdvisor: map[string]int{}}
	scope, caseScope := "", ""
	var scopeArgs []any
	if advisorID != "" {
		scope, caseScope, scopeArgs = " AND advisor_id = ?", " AND c.advisor_id = ?", []any{advisorID}
	}
	rows, err := s.db.WithContext(ctx).Raw("SELECT advisor_id, status, static_flags, n FROM case_counts WHERE n <> 0"+scope,
		scopeArgs...).Rows()
	if err != nil {
		return CaseloadCounts{}, fmt.Errorf("count caseload: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var advisor, status string
		var bits, n int
		if err := rows.Scan(&advisor, &status, &bits, &n); err != nil {
			return CaseloadCounts{}, fmt.Errorf("scan caseload counts: %w", err)
		}
		out.ByStatus[advising.Status(status)] += n
		for i, f := range staticFlags {
			if bits&(1<<i) != 0 {
				out.ByFlag[f] += n
			}
		}
		switch {
		case advisor == "":
			out.ByFlag[advising.FlagUnassigned] += n
		case status != string(advising.StatusClosed):
			out.OpenByAdvisor[advisor] += n
		}
	}
	if err := rows.Err(); err != nil {
		return CaseloadCounts{}, fmt.Errorf("count caseload: %w", err)
	}

	// days adds up the whole days (or months) of one kind in a range.
	var args []any
	days := func(kind, cond string, bounds ...any) string {
		args = append(append(append(args, kind), scopeArgs...), bounds...)
		return "(SELECT COALESCE(SUM(n), 0) FROM case_day_counts WHERE kind = ?" + scope + " AND " + cond + ")"
	}
	// sameDay counts one by one the cases of the boundary's own day.
	sameDay := func(cond string, bounds ...any) string {
		args = append(append(args, scopeArgs...), bounds...)
		return "(SELECT COUNT(*) FROM cases c WHERE 1 = 1" + caseScope + " AND " + cond + ")"
	}
	now := fc.Now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	stalled := fc.StalledBefore.UTC()
	stalledDay := time.Date(stalled.Year(), stalled.Month(), stalled.Day(), 0, 0, 0, 0, time.UTC)
	const dayLayout = "2006-01-02"
	cols := []string{
		days("follow_up", "day < ?", today.Format(dayLayout)) + " + " +
			sameDay("c.next_follow_up_at >= ? AND c.next_follow_up_at < ? AND c.status <> ?", today, now, string(advising.StatusClosed)),
		days("evidence_collection", "day < ?", stalledDay.Format(dayLayout)) + " + " +
			sameDay("c.status = ? AND c.status_changed_at >= ? AND c.status_changed_at < ?",
				string(advising.StatusEvidenceCollection), stalledDay, stalled),
		days("intake", "day > ? AND day <= ?", fc.Open.After, fc.Open.Through),
		days("intake", "day > ? AND day <= ?", fc.Approaching.After, fc.Approaching.Through),
	}
	counts := make([]int, len(clockFlags))
	dest := make([]any, len(counts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := s.db.WithContext(ctx).Raw("SELECT "+strings.Join(cols, ", "), args...).Row().Scan(dest...); err != nil {
		return CaseloadCounts{}, fmt.Errorf("count caseload flags: %w", err)
	}
	for i, f := range clockFlags {
		out.ByFlag[f] = counts[i]
	}
	return out, nil
}

// AttentionCases returns up to limit unfinished cases of a caseload ("" for the
// whole office) that need attention at fc, most urgent first: overdue
// follow-ups (oldest first), then stalled evidence collection (longest
// first), then open screening windows, then approaching ones (earliest
// intake first); ties by id. A case counts in its most urgent group.
//
// Each group is one query that walks an index in the group's order
// (follow-up dates, status change dates, target intakes) and stops when
// the list is full, so the cost follows the limit, not the caseload.
func (s *Store) AttentionCases(ctx context.Context, advisorID string, fc advising.FlagClock, limit int) ([]advising.Case, error) {
	groups := []struct {
		flag  advising.Flag
		order string
	}{
		{advising.FlagFollowUpOverdue, " ORDER BY c.next_follow_up_at, c.id"},
		{advising.FlagStalledEvidenceCollection, " ORDER BY c.status_changed_at, c.id"},
		{advising.FlagScreeningWindowOpen, " ORDER BY c.target_intake, c.id"},
		{advising.FlagScreeningWindowApproaching, " ORDER BY c.target_intake, c.id"},
	}
	out := make([]advising.Case, 0, limit)
	for i, g := range groups {
		if len(out) >= limit {
			break
		}
		var q query
		if advisorID != "" {
			q.add("c.advisor_id = ?", advisorID)
		}
		// Finished cases (recommended, closed) need nobody's attention.
		q.add("c.status NOT IN ?", []string{string(advising.StatusRecommended), string(advising.StatusClosed)})
		cond, a := flagPredicate(g.flag, fc)
		q.add(cond, a...)
		// Not in a more urgent group. CASE makes a NULL date count as
		// "does not hold", as it does in the flag itself.
		for _, earlier := range groups[:i] {
			cond, a := flagPredicate(earlier.flag, fc)
			q.add("CASE WHEN "+cond+" THEN 1 ELSE 0 END = 0", a...)
		}
		var err error
		if out, err = s.appendSummaries(ctx, out, q, g.order, limit-len(out)); err != nil {
			return nil, err
		}
	}
	return out, s.fillAdvisors(ctx, out)
}

// CaseloadVersion returns a number that goes up with every change to what a
// caseload list under f may show: the cases of f's advisor (or of the
// unassigned ones, or of the whole office) and the staff's names. Triggers
// keep it in the transaction of every change (migration 00012), so a page
// built after reading number v shows every change up to v.
func (s *Store) CaseloadVersion(ctx context.Context, f CaseFilter) (int64, error) {
	q, args := "SELECT COALESCE(SUM(v), 0) FROM caseload_versions", []any(nil)
	switch {
	case f.Unassigned:
		q, args = q+" WHERE advisor_id = ?", []any{""}
	case f.AdvisorID != "":
		q, args = q+" WHERE advisor_id = ?", []any{f.AdvisorID}
	}
	var v int64
	if err := s.db.WithContext(ctx).Raw(q, args...).Row().Scan(&v); err != nil {
		return 0, fmt.Errorf("caseload version: %w", err)
	}
	return v, nil
}

// LastCaseChange returns the newest updated_at of any case (the zero time
// when there are none). Case writes stamp updated_at inside their
// transaction, so a change committed after this read carries a later time.
func (s *Store) LastCaseChange(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := s.db.WithContext(ctx).Raw("SELECT updated_at FROM cases ORDER BY updated_at DESC LIMIT 1").Row().Scan(&t)
	if err != nil && err != sql.ErrNoRows {
		return time.Time{}, fmt.Errorf("last case change: %w", err)
	}
	return t.UTC(), nil
}

// AdvisorLoad is one advisor's open caseload.
type AdvisorLoad struct {
	Advisor   advising.UserRef
	OpenCases int
}

// AdvisorLoads returns every advisor, disabled ones included, by name,
// each with their open cases from open (CaseloadCounts.OpenByAdvisor of
// the whole office).
func (s *Store) AdvisorLoads(ctx context.Context, open map[string]int) ([]AdvisorLoad, error) {
	rows, err := s.db.WithContext(ctx).Raw(`SELECT id, full_name FROM users WHERE role = ? ORDER BY full_name, id`,
		string(advising.RoleAdvisor)).Rows()
	if err != nil {
		return nil, fmt.Errorf("advisor loads: %w", err)
	}
	defer rows.Close()
	out := []AdvisorLoad{}
	for rows.Next() {
		var l AdvisorLoad
		if err := rows.Scan(&l.Advisor.ID, &l.Advisor.FullName); err != nil {
			return nil, fmt.Errorf("scan advisor load: %w", err)
		}
		l.OpenCases = open[l.Advisor.ID]
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("advisor loads: %w", err)
	}
	return out, nil
}
