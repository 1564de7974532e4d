package casework

import (
	"context"
	"slices"
	"strings"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

// Agreement counts work samples and how many of them an advisor overrode.
type Agreement struct {
	Samples    int
	Overridden int
}

// VersionAgreement is the agreement on the samples one classifier version
// labelled.
type VersionAgreement struct {
	Version string
	Agreement
}

// LabelAgreement is the agreement on one automatic label, with the labels
// advisors chose instead.
type LabelAgreement struct {
	Agreement
	OverriddenTo map[advising.Label]int // only labels chosen at least once
}

// OverrideCount is how many overrides one person set.
type OverrideCount = store.OverrideCount

// ClassificationInsights says how the classifier and the advisors agree.
type ClassificationInsights struct {
	Agreement
	ByVersion  []VersionAgreement                // by version, in version order
	ByLabel    map[advising.Label]LabelAgreement // every automatic label, zeros included
	ByAdvisor  []OverrideCount                   // admin only; nil for an advisor
	Borderline Agreement                         // the samples marked borderline
}

// ClassificationInsights counts how often advisors override each automatic
// label, into what, by classifier version, by person (admin only) and for
// borderline samples: over the whole office for admin, over their own
// caseload for an advisor; with since, only samples added at or after it.
// Applicants get CodeForbidden.
func (s *Service) ClassificationInsights(ctx context.Context, a advising.Actor, since *time.Time) (ClassificationInsights, error) {
	if err := officeOnly(a); err != nil {
		return ClassificationInsights{}, err
	}
	f := store.InsightFilter{Since: since}
	if a.Role == advising.RoleAdvisor {
		f.AdvisorID = a.UserID
	}
	groups, err := s.st.ClassificationGroups(ctx, f)
	if err != nil {
		return ClassificationInsights{}, err
	}
	in := ClassificationInsights{ByVersion: []VersionAgreement{}, ByLabel: map[advising.Label]LabelAgreement{}}
	for _, l := range []advising.Label{advising.LabelTechnologyManagement, advising.LabelEngineeringManagement,
		advising.LabelHybrid, advising.LabelInsufficientEvidence} {
		in.ByLabel[l] = LabelAgreement{OverriddenTo: map[advising.Label]int{}}
	}
	versions := map[string]*Agreement{}
	for _, g := range groups {
		over := 0
		if g.Override != "" {
			over = g.Samples
		}
		tally := func(ag *Agreement) { ag.Samples += g.Samples; ag.Overridden += over }
		tally(&in.Agreement)
		if versions[g.Version] == nil {
			versions[g.Version] = &Agreement{}
		}
		tally(versions[g.Version])
		la, ok := in.ByLabel[g.Label]
		if !ok { // a label no longer in the framework still counts
			la = LabelAgreement{OverriddenTo: map[advising.Label]int{}}
		}
		tally(&la.Agreement)
		if over > 0 {
			la.OverriddenTo[g.Override] += over
		}
		in.ByLabel[g.Label] = la
		if g.Borderline {
			tally(&in.Borderline)
		}
	}
	for v, ag := range versions {
		in.ByVersion = append(in.ByVersion, VersionAgreement{Version: v, Agreement: *ag})
	}
	slices.SortFunc(in.ByVersion, func(x, y VersionAgreement) int { return strings.Compare(x.Version, y.Version) })
	if a.IsAdmin() {
		if in.ByAdvisor, err = s.st.OverridesByPerson(ctx, f); err != nil {
			return ClassificationInsights{}, err
		}
	}
	return in, nil
}

// LabelledSample is one overridden work sample as labelled data: its text,
// the classifier's label and version, and the label and reason an advisor
// gave.
type LabelledSample struct {
	Title             string
	Description       string
	AutomaticLabel    advising.Label
	EffectiveLabel    advising.Label
	Reason            string
	ClassifierVersion string
}

// exportBatch is how many overridden samples the export reads at a time.
const exportBatch = 200

// ExportOverrides hands every overridden work sample of the office, in ID
// order, to yield, reading them a page at a time so memory stays bounded
// however many there are; it stops at yield's first error and returns it.
// The export hands out applicants' texts in bulk, so it is recorded in the
// audit trail first (insights.overrides_exported, entity type insights).
// Only admin may call it (others: CodeForbidden).
func (s *Service) ExportOverrides(ctx context.Context, a advising.Actor, yield func(LabelledSample) error) error {
	if !a.IsAdmin() {
		return advising.Errorf(advising.CodeForbidden, "only admin may export the overridden samples")
	}
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		return audit(ctx, tx, a, s.clock(), "insights.overrides_exported", "insights", "overrides", "")
	})
	if err != nil {
		return err
	}
	for after := ""; ; {
		page, err := s.st.ListOverriddenSamples(ctx, after, exportBatch)
		if err != nil {
			return err
		}
		for _, w := range page {
			if err := yield(LabelledSample{Title: w.Title, Description: w.Description, AutomaticLabel: w.Classification.Label,
				EffectiveLabel: w.EffectiveLabel(), Reason: w.Override.Reason, ClassifierVersion: w.Classification.Version}); err != nil {
				return err
			}
		}
		if len(page) < exportBatch {
			return nil
		}
		after = page[len(page)-1].ID
	}
}
