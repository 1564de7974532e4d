package advising

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The rules for an account's fields. They live here once: casework applies
// them to every account it creates or changes, and the API and the pages
// show their messages, so both front doors accept exactly the same
// accounts.

// MaxFullNameLen is the longest full name, in characters.
const MaxFullNameLen = 200

// maxLocalPartLen is RFC 5321's limit on the part of an address before @.
const maxLocalPartLen = 64

// CheckEmail records a problem with email on v under field. email must be
// normalized already (NormalizeEmail). The office writes to these addresses,
// so only ordinary ones pass: a dot-atom local part (no quoted strings such
// as "a b"@example.org, no leading, trailing or doubled dots) and a domain
// name of at least two labels, each of letters, digits and inner hyphens
// (no IP literals such as a@[127.0.0.1], no single-label hosts such as
// localhost, no label starting or ending with a hyphen).
func CheckEmail(v *Validator, field, email string) {
	switch {
	case email == "":
		v.Add(field, "is required")
	case !ValidEmail(email):
		v.Add(field, "must be a valid email address")
	}
}

// ValidEmail reports whether email is an address CheckEmail accepts.
func ValidEmail(email string) bool {
	if len(email) > MaxEmailLen || !utf8.ValidString(email) {
		return false
	}
	local, domain, ok := strings.Cut(email, "@")
	if !ok || len(local) > maxLocalPartLen || !dotAtom(local) {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !hostLabel(l) {
			return false
		}
	}
	// A top-level domain is never all digits: that would be an IP address.
	return strings.ContainsFunc(labels[len(labels)-1], func(r rune) bool { return !unicode.IsDigit(r) })
}

// dotAtom reports whether s is atoms of RFC 5322 atext (and, as RFC 6531
// allows, non-ASCII letters and digits) joined by single dots.
func dotAtom(s string) bool {
	for _, atom := range strings.Split(s, ".") {
		if atom == "" {
			return false
		}
		for _, r := range atom {
			if !atext(r) {
				return false
			}
		}
	}
	return true
}

func atext(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
	default:
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
}

// hostLabel reports whether s is one label of a domain name: 1 to 63 bytes
// of letters and digits with hyphens only inside.
func hostLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// CheckPassword records a problem with a new password on v under field:
// it is MinPasswordLen to MaxPasswordLen characters, every one of which
// counts.
func CheckPassword(v *Validator, field, password string) {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		v.Add(field, "is required")
	case n < MinPasswordLen || n > MaxPasswordLen:
		v.Add(field, "must be 10 to 128 characters long")
	}
}

// CheckFullName records a problem with a full name on v under field. name
// must be trimmed already: a blank name is a missing one.
func CheckFullName(v *Validator, field, name string) {
	switch {
	case name == "":
		v.Add(field, "is required")
	case utf8.RuneCountInString(name) > MaxFullNameLen:
		v.Add(field, "must be at most 200 characters")
	}
}

// CheckStaffRole records a problem on v under field unless r is a role an
// admin may give a new account: advisor or admin (applicants register
// themselves).
func CheckStaffRole(v *Validator, field string, r Role) {
	switch {
	case r == "":
		v.Add(field, "is required")
	case r != RoleAdvisor && r != RoleAdmin:
		v.Add(field, "must be one of: advisor, admin")
	}
}
