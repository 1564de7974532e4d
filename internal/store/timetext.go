package store

import (
	"fmt"
	"time"
)

// The SQLite driver stores time.Time as text in this layout and, for columns
// declared TIMESTAMP, parses it back with time.Parse on every read. The
// caseload list reads four timestamps per row, so it asks for the text
// (CAST(... AS TEXT)) and parses it with parseTimeText, which reads the
// fixed layout directly.
const storedTimeLayout = "2006-01-02 15:04:05.999999999-07:00"

// parseTimeText parses a stored timestamp: "YYYY-MM-DD HH:MM:SS", an
// optional fraction of up to nine digits, and a "+HH:MM"/"-HH:MM" offset or
// "Z". Anything else goes through time.Parse with the stored layout and
// RFC 3339, so an unusual value is still read correctly, only slower.
func parseTimeText(s string) (time.Time, error) {
	if t, ok := parseFixedTime(s); ok {
		return t, nil
	}
	for _, layout := range []string{storedTimeLayout, time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("parse stored time %q", s)
}

func parseFixedTime(s string) (time.Time, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if s[i] == '.' {
		i++
		digits := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if digits < 9 {
				nsec = nsec*10 + int(s[i]-'0')
				digits++
			}
			i++
		}
		if digits == 0 {
			return time.Time{}, false
		}
		for ; digits < 9; digits++ {
			nsec *= 10
		}
	}
	offset := 0
	switch rest := s[i:]; {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num(i+1, i+3)
		om, ok2 := num(i+4, i+6)
		if !ok1 || !ok2 {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // 31 February and the like
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}
