package casework

import (
	"fmt"
	"testing"

	"advising/internal/advising"
)

// A run's answer stays small: it counts every changed sample but lists at
// most MaxReclassifySampleIDs of them, the first in ID order, however the
// pages split them.
func TestReclassifyResultBoundsSampleIDs(t *testing.T) {
	res := ReclassifyResult{Changes: map[string]int{}, SampleIDs: []string{}}
	n := 0
	for page := range 7 {
		step := ReclassifyResult{Changes: map[string]int{}}
		for range 200 {
			w := advising.WorkSample{ID: fmt.Sprintf("s%05d", n), Classification: advising.Classification{Label: advising.LabelHybrid}}
			c := advising.Classification{Label: advising.LabelTechnologyManagement}
			if n%2 == 1 {
				c.Label = advising.LabelHybrid // unchanged
			}
			step.count(w, c)
			n++
		}
		res.add(step)
		if page == 0 && (res.Changed != 100 || len(res.SampleIDs) != 100) {
			t.Fatalf("after one page: %d changed, %d ids; want 100, 100", res.Changed, len(res.SampleIDs))
		}
	}
	if res.Samples != 1400 || res.Changed != 700 || res.Changes["hybrid→technology_management"] != 700 || len(res.Changes) != 1 {
		t.Errorf("after 1400 samples: %d samples, %d changed, %v; want 1400, 700, hybrid→technology_management: 700", res.Samples, res.Changed, res.Changes)
	}
	if len(res.SampleIDs) != 700 || res.SampleIDs[0] != "s00000" || res.SampleIDs[699] != "s01398" {
		t.Errorf("SampleIDs = %d ids from %s; want 700 from s00000 to s01398", len(res.SampleIDs), res.SampleIDs[0])
	}
	for range 2 { // 800 more changes: the list stops at the bound
		step := ReclassifyResult{Changes: map[string]int{}}
		for range 400 {
			step.count(advising.WorkSample{ID: fmt.Sprintf("s%05d", n), Classification: advising.Classification{Label: advising.LabelHybrid}},
				advising.Classification{Label: advising.LabelEngineeringManagement})
			n++
		}
		res.add(step)
	}
	if res.Changed != 1500 || len(res.SampleIDs) != MaxReclassifySampleIDs || res.SampleIDs[MaxReclassifySampleIDs-1] != "s01699" {
		t.Errorf("after 1500 changes: %d changed, %d ids ending %s; want 1500, %d ending s01699",
			res.Changed, len(res.SampleIDs), res.SampleIDs[len(res.SampleIDs)-1], MaxReclassifySampleIDs)
	}
}
