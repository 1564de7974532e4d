package casework

import (
	"context"
	"maps"
	"slices"
	"strconv"

	"advising/internal/advising"
	"advising/internal/classify"
	"advising/internal/store"
)

// ReclassifyResult reports a reclassification run, or what a dry run would
// change.
type ReclassifyResult struct {
	ClassifierVersion string
	Samples           int            // samples classified
	Changed           int            // samples whose automatic label changed (or would)
	Changes           map[string]int // "old→new" automatic labels and how many samples moved so
	// Restamped counts the samples whose label stays but whose stored
	// reading is renewed (or would be): the classifier version, and any
	// wording or borderline marker that changed with it.
	Restamped int
	// SampleIDs lists the changed samples in ID order, at most
	// MaxReclassifySampleIDs of them; Changed counts them all.
	SampleIDs []string
}

// ClassifierVersion returns the version of the classifier this build runs:
// the one new work samples are read by, and the one Reclassify stores.
func ClassifierVersion() string { return classify.Version }

// MaxReclassifySampleIDs bounds the sample IDs a run reports, so an office
// whose every sample changes still gets a small answer.
const MaxReclassifySampleIDs = 1000

// reclassifyBatch is how many samples one reclassification step reads; a
// real run writes each step in its own transaction, so other writers wait
// for one step at most, never for the whole office.
const reclassifyBatch = 200

// Reclassify runs the current classifier over every stored work sample,
// walking them in pages of reclassifyBatch. With dryRun it only reports
// what would change and writes nothing. Otherwise it stores each new
// classification (label, borderline marker and the rest); overrides are
// kept and still win. Cases whose effective labels or samples awaiting
// review changed get fresh evidence counts; each sample whose label or
// marker changed gets an audit event, and the run one more. A run stopped
// half way leaves every page it finished consistent and may simply be run
// again. An admin may call it, and so may the system itself (the zero
// Actor, used by the command line); anyone else gets CodeForbidden.
func (s *Service) Reclassify(ctx context.Context, a advising.Actor, dryRun bool) (ReclassifyResult, error) {
	if !a.IsAdmin() && a != (advising.Actor{}) {
		return ReclassifyResult{}, advising.Errorf(advising.CodeForbidden, "only an admin may reclassify work samples")
	}
	res := ReclassifyResult{ClassifierVersion: classify.Version, Changes: map[string]int{}, SampleIDs: []string{}}
	for after := ""; ; {
		var batch []advising.WorkSample
		var err error
		if dryRun {
			batch, err = s.st.ListWorkSamples(ctx, after, reclassifyBatch)
			if err == nil {
				for _, w := range batch {
					res.count(w, classification(w.Title, w.Description))
				}
			}
		} else {
			// The step's tallies join res only once its transaction commits.
			step := ReclassifyResult{Changes: map[string]int{}}
			err = s.st.Tx(ctx, func(tx *store.Store) error {
				step = ReclassifyResult{Changes: map[string]int{}}
				page, err := tx.ListWorkSamples(ctx, after, reclassifyBatch)
				if err != nil {
					return err
				}
				batch = page
				return s.reclassifyStep(ctx, tx, a, page, &step)
			})
			if err == nil {
				res.add(step)
			}
		}
		if err != nil {
			return ReclassifyResult{}, err
		}
		if len(batch) < reclassifyBatch {
			break
		}
		after = batch[len(batch)-1].ID
	}
	if dryRun {
		return res, nil
	}
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		return audit(ctx, tx, a, s.clock(), "work_samples.reclassified", "classifier", classify.Version, "")
	})
	if err != nil {
		return ReclassifyResult{}, err
	}
	return res, nil
}

// reclassifyStep classifies one page of samples inside tx and stores what
// changed, tallying into step.
func (s *Service) reclassifyStep(ctx context.Context, tx *store.Store, a advising.Actor, batch []advising.WorkSample, step *ReclassifyResult) error {
	// The page's cases are locked first, in ID order, as any other
	// evidence change locks its one case before touching a sample: no two
	// transactions then wait on each other's rows.
	all := map[string]bool{}
	for _, w := range batch {
		all[w.CaseID] = true
	}
	for _, id := range slices.Sorted(maps.Keys(all)) {
		if err := tx.LockCase(ctx, id); err != nil && advising.ErrorCode(err) != advising.CodeNotFound { // erased meanwhile
			return err
		}
	}
	now := s.clock()
	cases := map[string]bool{}
	for _, w := range batch {
		c := classification(w.Title, w.Description)
		step.count(w, c)
		if sameClassification(c, w.Classification) {
			continue // nothing to write, not even the version
		}
		// A reading that only the version (or wording) tells apart is still
		// stored with the current version: the version says which
		// classifier's reading this is, and the insights count overrides by
		// it, so leaving the old one would credit a retired version with the
		// current one's judgement and keep it in by_classifier_version for
		// ever. Such a sample is not counted as changed, and unless its
		// borderline marker moved it gets no audit event of its own (below):
		// nothing an advisor relies on changed.
		if ok, err := tx.ReclassifyWorkSample(ctx, w, c); err != nil || !ok {
			if err != nil {
				return err
			}
			continue // revised or deleted meanwhile: the edit classified it already
		}
		if c.Label == w.Classification.Label && c.Borderline == w.Classification.Borderline {
			continue // wording or version only: nothing an advisor needs to know
		}
		// An override keeps the effective label, and a sample with one
		// awaits no review whatever its marker says.
		if w.Override == nil {
			cases[w.CaseID] = true
		}
		if err := audit(ctx, tx, a, now, "work_sample.reclassified", "work_sample", w.ID, w.CaseID, reclassifyChanges(w.Classification, c)...); err != nil {
			return err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(cases)) {
		if err := tx.RefreshEvidence(ctx, id, now); err != nil {
			return err
		}
	}
	return nil
}

// reclassifyChanges are the audited fields of a new classification: the
// automatic label and the borderline marker, where they changed.
func reclassifyChanges(old, c advising.Classification) []advising.FieldChange {
	var ch []advising.FieldChange
	if c.Label != old.Label {
		was := string(old.Label)
		ch = append(ch, change("label", &was, string(c.Label)))
	}
	if c.Borderline != old.Borderline {
		was := strconv.FormatBool(old.Borderline)
		ch = append(ch, change("borderline", &was, strconv.FormatBool(c.Borderline)))
	}
	return ch
}

// count tallies one sample whose stored classification is w's and whose
// current one is c.
func (r *ReclassifyResult) count(w advising.WorkSample, c advising.Classification) {
	r.Samples++
	if c.Label == w.Classification.Label {
		if !sameClassification(c, w.Classification) {
			r.Restamped++
		}
		return
	}
	r.Changed++
	r.Changes[string(w.Classification.Label)+"→"+string(c.Label)]++
	if len(r.SampleIDs) < MaxReclassifySampleIDs {
		r.SampleIDs = append(r.SampleIDs, w.ID)
	}
}

// add joins a step's tallies to r's.
func (r *ReclassifyResult) add(step ReclassifyResult) {
	r.Samples += step.Samples
	r.Changed += step.Changed
	r.Restamped += step.Restamped
	for k, n := range step.Changes {
		r.Changes[k] += n
	}
	room := MaxReclassifySampleIDs - len(r.SampleIDs)
	r.SampleIDs = append(r.SampleIDs, step.SampleIDs[:min(room, len(step.SampleIDs))]...)
}

// sameClassification reports whether two classifications are identical,
// classifier version included.
func sameClassification(x, y advising.Classification) bool {
	return x.Label == y.Label && x.DeliverableType == y.DeliverableType && x.Rationale == y.Rationale &&
		x.Version == y.Version && x.Borderline == y.Borderline &&
		slices.Equal(x.TechnologyManagement, y.TechnologyManagement) && slices.Equal(x.EngineeringManagement, y.EngineeringManagement)
}
