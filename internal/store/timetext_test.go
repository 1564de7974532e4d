package store

import (
	"testing"
	"time"
)

func TestParseTimeText(t *testing.T) {
	times := []time.Time{
		time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 22, 9, 0, 0, 123456000, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2027, 2, 28, 0, 0, 0, 500000000, time.FixedZone("x", -(5*3600+30*60))),
	}
	for _, want := range times {
		for _, layout := range []string{storedTimeLayout, time.RFC3339Nano} {
			s := want.Format(layout)
			got, err := parseTimeText(s)
			if err != nil || !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("parseTimeText(%q) = %v, %v; want %v in UTC", s, got, err, want)
			}
		}
	}
	for _, bad := range []string{"", "yesterday", "2026-13-01 00:00:00+00:00", "2026-02-31 00:00:00+00:00",
		"2026-11-22 09:00:00", "2026-11-22 09:00:00.+00:00"} {
		if got, err := parseTimeText(bad); err == nil {
			t.Errorf("parseTimeText(%q) = %v; want an error", bad, got)
		}
	}
}
