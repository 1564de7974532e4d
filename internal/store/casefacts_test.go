package store_test

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// variedOffice inserts two advisors and n cases of every kind of flag fact
// (evidence, interest, experience, intake, status ages, follow-ups,
// unassigned) around now, and returns the advisors and the applicants.
func variedOffice(t *testing.T, st *store.Store, now time.Time, n int) (advisors, applicants []advising.User) {
	t.Helper()
	r := rand.New(rand.NewPCG(12, 10))
	day := 24 * time.Hour
	user := func(role advising.Role, i int) advising.User {
		return advising.User{ID: store.NewID(), Email: fmt.Sprintf("%s%d@example.org", role, i), FullName: fmt.Sprintf("Person %d", i),
			Role: role, PasswordHash: "x", CreatedAt: now.Add(-400 * day), UpdatedAt: now.Add(-400 * day)}
	}
	var o store.Office
	advisors = []advising.User{user(advising.RoleAdvisor, 1), user(advising.RoleAdvisor, 2)}
	o.Users = append(o.Users, advisors...)
	interests := []string{string(advising.PathwayTechnologyManagement), string(advising.PathwayEngineeringManagement), "undecided"}
	for i := range n {
		app := user(advising.RoleApplicant, i)
		applicants = append(applicants, app)
		o.Users = append(o.Users, app)
		status := advising.Statuses[r.IntN(len(advising.Statuses))]
		changed := now.Add(-time.Duration(r.IntN(90)) * day)
		c := advising.Case{ID: store.NewID(), ApplicantID: app.ID, Status: status, StatusChangedAt: changed,
			CreatedAt: changed.Add(-day), UpdatedAt: changed.Add(time.Duration(i) * time.Second),
			Applicant: advising.ApplicantRef{ID: app.ID, FullName: app.FullName, Email: app.Email}}
		if k := r.IntN(3); k < 2 {
			c.Advisor = &advising.UserRef{ID: advisors[k].ID}
		}
		tm, em, hy := r.IntN(3), r.IntN(3), r.IntN(2)
		c.Evidence = advising.Evidence{TechnologyManagement: tm, EngineeringManagement: em, Hybrid: hy,
			WorkSamples: tm + em + hy, AwaitingReview: r.IntN(4) / 3}
		if r.IntN(4) > 0 {
			v := interests[r.IntN(len(interests))]
			c.Profile.ProgrammeInterest = &v
		}
		if r.IntN(4) > 0 {
			y := r.IntN(6)
			c.Profile.YearsExperience = &y
		}
		if r.IntN(4) > 0 {
			v := now.AddDate(0, r.IntN(14)-2, 0).Format("2006-01")
			c.Profile.TargetIntake = &v
		}
		if r.IntN(2) == 0 {
			f := now.Add(time.Duration(r.IntN(20)-10) * day)
			c.NextFollowUpAt = &f
		}
		o.Cases = append(o.Cases, c)
	}
	if err := st.InsertOffice(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return advisors, applicants
}

// allCases lists a whole caseload ("" for the office) through ListCases.
func allCases(t *testing.T, st *store.Store, advisorID string, fc advising.FlagClock) []advising.Case {
	t.Helper()
	cs, err := st.ListCases(context.Background(), store.CaseFilter{AdvisorID: advisorID, Sort: store.SortUpdatedDesc, Clock: fc, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// checkCounts holds CountCaseload and AttentionCases to what ComputeFlags
// says of every case ListCases returns, for the office and each advisor.
func checkCounts(t *testing.T, st *store.Store, advisors []advising.User, fc advising.FlagClock) {
	t.Helper()
	ctx := context.Background()
	for _, scope := range []string{"", advisors[0].ID, advisors[1].ID} {
		cases := allCases(t, st, scope, fc)
		want := store.CaseloadCounts{ByStatus: map[advising.Status]int{}, ByFlag: map[advising.Flag]int{}, OpenByAdvisor: map[string]int{}}
		type ranked struct {
			group int
			key   string
			id    string
		}
		var attention []ranked
		for _, c := range cases {
			want.ByStatus[c.Status]++
			flags := fc.ComputeFlags(c.FlagFacts())
			for _, f := range flags {
				want.ByFlag[f]++
			}
			if c.Advisor != nil && c.Status != advising.StatusClosed {
				want.OpenByAdvisor[c.Advisor.ID]++
			}
			if c.Status.Finished() { // recommended and closed cases need no attention
				continue
			}
			switch {
			case slices.Contains(flags, advising.FlagFollowUpOverdue):
				attention = append(attention, ranked{0, c.NextFollowUpAt.UTC().Format(time.RFC3339Nano), c.ID})
			case slices.Contains(flags, advising.FlagStalledEvidenceCollection):
				attention = append(attention, ranked{1, c.StatusChangedAt.UTC().Format(time.RFC3339Nano), c.ID})
			case slices.Contains(flags, advising.FlagScreeningWindowOpen):
				attention = append(attention, ranked{2, *c.Profile.TargetIntake, c.ID})
			case slices.Contains(flags, advising.FlagScreeningWindowApproaching):
				attention = append(attention, ranked{3, *c.Profile.TargetIntake, c.ID})
			}
		}
		got, err := st.CountCaseload(ctx, scope, fc)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range advising.Flags {
			if got.ByFlag[f] != want.ByFlag[f] {
				t.Errorf("scope %q: %s = %d; ComputeFlags says %d", scope, f, got.ByFlag[f], want.ByFlag[f])
			}
		}
		if !maps.Equal(got.ByStatus, want.ByStatus) || !maps.Equal(got.OpenByAdvisor, want.OpenByAdvisor) {
			t.Errorf("scope %q: by status %v, open by advisor %v; want %v, %v", scope, got.ByStatus, got.OpenByAdvisor, want.ByStatus, want.OpenByAdvisor)
		}
		// The fixed-width times sort as text; same-length ones compare right.
		slices.SortFunc(attention, func(a, b ranked) int {
			return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(a.key, b.key), cmp.Compare(a.id, b.id))
		})
		var wantIDs []string
		for _, a := range attention[:min(len(attention), 7)] {
			wantIDs = append(wantIDs, a.id)
		}
		top, err := st.AttentionCases(ctx, scope, fc, 7)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []string
		for _, c := range top {
			gotIDs = append(gotIDs, c.ID)
		}
		if !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("scope %q: attention %v; want %v", scope, gotIDs, wantIDs)
		}
	}
}

// The dashboard's counts (static flags kept on the case, clock flags as
// index ranges) and its attention list (one ordered query per group) agree
// with ComputeFlags over the listed cases, at several clocks and after the
// writes that change what the static flags read.
func TestCaseloadCountsAgreeWithComputeFlags(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	advisors, applicants := variedOffice(t, st, now, 150)
	for _, at := range []time.Time{now, now.Add(40 * 24 * time.Hour), now.AddDate(0, -3, 0)} {
		checkCounts(t, st, advisors, advising.NewFlagClock(at))
	}

	// Profile changes move the static flags of limited track record and
	// mismatch; evidence changes move insufficient, hybrid and review.
	two, tm := 2, string(advising.PathwayTechnologyManagement)
	for _, a := range applicants[:20] {
		if err := st.Tx(ctx, func(tx *store.Store) error {
			return tx.ReplaceProfile(ctx, a.ID, advising.Profile{YearsExperience: &two, ProgrammeInterest: &tm})
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range applicants[20:40] {
		id, err := st.CaseIDByApplicant(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			w := advising.WorkSample{ApplicantID: a.ID, CaseID: id, Title: "Design review", Description: "Chaired the design reviews.",
				Source: "text", Classification: advising.Classification{Label: advising.LabelEngineeringManagement,
					DeliverableType: "design_review", Rationale: "EM.", Version: "test", Borderline: true},
				CreatedAt: now, UpdatedAt: now}
			if _, err := st.InsertWorkSampleFixture(ctx, w, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	checkCounts(t, st, advisors, advising.NewFlagClock(now))

	// The counters follow every write that moves a case between them:
	// status changes (into and out of evidence collection and closed),
	// follow-up dates set, moved and cleared, reassignment, unassignment
	// and erasure. Clocks inside a day count that day's cases one by one.
	statuses := []advising.Status{advising.StatusEvidenceCollection, advising.StatusClosed, advising.StatusUnderReview}
	for i, a := range applicants[40:100] {
		id, err := st.CaseIDByApplicant(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		at := now.Add(-time.Duration(i) * 7 * time.Hour)
		var ch store.CaseChanges
		switch i % 4 {
		case 0:
			ch.Status = &statuses[i%len(statuses)]
		case 1:
			f := now.Add(time.Duration(i-30) * 5 * time.Hour)
			ch.SetFollowUp, ch.NextFollowUpAt = true, &f
		case 2:
			ch.SetFollowUp = true
		case 3:
			ch.Status, ch.SetFollowUp = &statuses[i%len(statuses)], true
			f := now.Add(-time.Duration(i) * time.Hour)
			ch.NextFollowUpAt = &f
		}
		if err := st.UpdateCase(ctx, id, ch, at); err != nil {
			t.Fatal(err)
		}
		if ch.Status != nil && i%3 == 0 {
			if err := st.BackdateStatusChange(ctx, id, now.Add(-42*24*time.Hour+time.Duration(i-50)*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		var advisor *string
		switch i % 5 {
		case 0:
			advisor = &advisors[(i/5)%2].ID
		case 1:
		default:
			continue
		}
		if err := st.SetCaseAdvisor(ctx, id, advisor, at); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range applicants[100:110] {
		id, err := st.CaseIDByApplicant(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Tx(ctx, func(tx *store.Store) error {
			_, err := tx.EraseApplicant(ctx, a.ID, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, at := range []time.Time{now, now.Add(3 * time.Hour), now.Add(-9 * time.Hour), now.Add(14*time.Hour + 29*time.Minute)} {
		checkCounts(t, st, advisors, advising.NewFlagClock(at))
	}
}

// The caseload search matches the lower-cased name or email as a literal
// substring, follows a change of name, and never matches across the two.
func TestCaseSearchText(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	_, applicants := variedOffice(t, st, now, 12)
	search := func(q string) []string {
		t.Helper()
		cs, err := st.ListCases(ctx, store.CaseFilter{Query: q, Sort: store.SortUpdatedDesc, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range cs {
			names = append(names, c.Applicant.FullName)
		}
		slices.Sort(names)
		return names
	}
	if got := search("PERSON 1"); !slices.Equal(got, []string{"Person 1", "Person 10", "Person 11"}) {
		t.Errorf(`search "PERSON 1" = %v; want Person 1, 10 and 11`, got)
	}
	if got := search("applicant7@"); !slices.Equal(got, []string{"Person 7"}) {
		t.Errorf(`search "applicant7@" = %v; want Person 7`, got)
	}
	for _, q := range []string{"7\napplicant", "%", "_erson"} {
		if got := search(q); len(got) != 0 {
			t.Errorf("search %q = %v; want nothing", q, got)
		}
	}
	name := "Ångström Ümlaut"
	if err := st.Tx(ctx, func(tx *store.Store) error {
		_, err := tx.UpdateUser(ctx, applicants[3].ID, store.UserChanges{FullName: &name}, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := search("ångström ü"); !slices.Equal(got, []string{name}) {
		t.Errorf("search after a rename = %v; want %q", got, name)
	}
	if got := search("Person 3"); len(got) != 0 {
		t.Errorf("search for the old name = %v; want nothing", got)
	}
}
