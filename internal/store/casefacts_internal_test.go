package store

import (
	"slices"
	"testing"

	"advising/internal/advising"
)

// Every flag is counted exactly one way by the dashboard: as a static bit,
// as a clock range, or (unassigned) by the advisor column.
func TestFlagKindsCoverEveryFlagOnce(t *testing.T) {
	kinds := slices.Concat(staticFlags, clockFlags, []advising.Flag{advising.FlagUnassigned})
	got, want := slices.Clone(kinds), slices.Clone(advising.Flags)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("static %v + clock %v + unassigned = %v; want each of %v once", staticFlags, clockFlags, got, want)
	}
}
