package advising

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// One email rule for both front doors: the addresses the pages used to
// accept and the API refused (and the other way round) are all refused;
// ordinary ones, subaddresses and international ones pass.
func TestValidEmail(t *testing.T) {
	tests := []struct {
		email string
		want  bool
	}{
		{"ada@example.org", true},
		{"ada.lovelace+advising@mail.example.co.uk", true},
		{"o'neil@example.org", true},
		{"ada@xn--bcher-kva.example", true},
		{"jürgen@müller.example", true},
		{"a.b@localhost", false},
		{"a@-b.com", false},
		{"a@b-.com", false},
		{"a@[127.0.0.1]", false},
		{"a@127.0.0.1", false},
		{`"a b"@example.org`, false},
		{"a b@example.org", false},
		{".ada@example.org", false},
		{"ada.@example.org", false},
		{"a..b@example.org", false},
		{"ada@example..org", false},
		{"ada@example.org.", false},
		{"ada@@example.org", false},
		{"ada@ex_ample.org", false},
		{"not-an-email", false},
		{"@example.org", false},
		{"ada@", false},
		{strings.Repeat("a", 65) + "@example.org", false},
		{strings.Repeat("a", 64) + "@example.org", true},
		{"a@" + strings.Repeat("b", 64) + ".org", false},
		{"a@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "org", true}, // 249 bytes
		{"abcdefg@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "org", false}, // 255 bytes
		{"ada@exam\xffple.org", false},
	}
	for _, tt := range tests {
		if got := ValidEmail(tt.email); got != tt.want {
			t.Errorf("ValidEmail(%q) = %v; want %v", tt.email, got, tt.want)
		}
	}
}

// The account rules name the field they were given and say what is wrong
// in the words both front doors show.
func TestAccountRules(t *testing.T) {
	tests := []struct {
		name  string
		check func(v *Validator)
		want  string // the message, "" for none
	}{
		{"empty email", func(v *Validator) { CheckEmail(v, "f", "") }, "is required"},
		{"bad email", func(v *Validator) { CheckEmail(v, "f", "a@[127.0.0.1]") }, "must be a valid email address"},
		{"good email", func(v *Validator) { CheckEmail(v, "f", "ada@example.org") }, ""},
		{"empty password", func(v *Validator) { CheckPassword(v, "f", "") }, "is required"},
		{"nine characters", func(v *Validator) { CheckPassword(v, "f", "123456789") }, "must be 10 to 128 characters long"},
		{"ten characters", func(v *Validator) { CheckPassword(v, "f", "1234567890") }, ""},
		{"128 two-byte characters", func(v *Validator) { CheckPassword(v, "f", strings.Repeat("é", 128)) }, ""},
		{"129 characters", func(v *Validator) { CheckPassword(v, "f", strings.Repeat("p", 129)) }, "must be 10 to 128 characters long"},
		{"empty name", func(v *Validator) { CheckFullName(v, "f", "") }, "is required"},
		{"200 characters", func(v *Validator) { CheckFullName(v, "f", strings.Repeat("ö", 200)) }, ""},
		{"201 characters", func(v *Validator) { CheckFullName(v, "f", strings.Repeat("n", 201)) }, "must be at most 200 characters"},
		{"no role", func(v *Validator) { CheckStaffRole(v, "f", "") }, "is required"},
		{"applicant role", func(v *Validator) { CheckStaffRole(v, "f", RoleApplicant) }, "must be one of: advisor, admin"},
		{"advisor role", func(v *Validator) { CheckStaffRole(v, "f", RoleAdvisor) }, ""},
		{"admin role", func(v *Validator) { CheckStaffRole(v, "f", RoleAdmin) }, ""},
	}
	for _, tt := range tests {
		var v Validator
		tt.check(&v)
		var got string
		var e *Error
		if errors.As(v.Err(), &e) {
			if len(e.Fields) != 1 || e.Fields[0].Field != "f" {
				t.Errorf("%s: fields = %+v; want one for f", tt.name, e.Fields)
				continue
			}
			got = e.Fields[0].Message
		}
		if got != tt.want {
			t.Errorf("%s: message = %q; want %q", tt.name, got, tt.want)
		}
	}
}

// Every code has a status in the one table, and Explain finds the *Error
// inside a wrapped error and turns a body cut off at a limit into a 413.
func TestExplain(t *testing.T) {
	codes := map[Code]int{CodeInvalid: 422, CodeBadRequest: 400, CodeNotFound: 404, CodeConflict: 409,
		CodeUnauthenticated: 401, CodeForbidden: 403, CodePreconditionFailed: 412, CodeUnsupportedMedia: 415,
		CodeTooLarge: 413, CodeRateLimited: 429, CodeUnavailable: 503, Code("no-such-code"): 500}
	for c, want := range codes {
		if got := c.HTTPStatus(); got != want {
			t.Errorf("Code(%q).HTTPStatus() = %d; want %d", c, got, want)
		}
	}
	wrapped := fmt.Errorf("save note: %w", Errorf(CodeConflict, "the case is closed"))
	if e := Explain(wrapped); e == nil || e.Code != CodeConflict {
		t.Errorf("Explain(%v) = %v; want the conflict inside", wrapped, e)
	}
	cut := fmt.Errorf("read body: %w", &http.MaxBytesError{Limit: 1 << 20})
	if e := Explain(cut); e == nil || e.Code != CodeTooLarge || e.Code.HTTPStatus() != http.StatusRequestEntityTooLarge {
		t.Errorf("Explain(%v) = %v; want CodeTooLarge", cut, e)
	}
	for _, err := range []error{errors.New("disk on fire"), &Error{Code: "made-up"}} {
		if e := Explain(err); e != nil {
			t.Errorf("Explain(%v) = %v; want nil (an internal failure)", err, e)
		}
	}
	if n := (&Error{Code: CodeRateLimited}).RetryAfterSeconds(); n != 1 {
		t.Errorf("RetryAfterSeconds of a rate limit without a wait = %d; want 1", n)
	}
	if n := (&Error{Code: CodeUnavailable, RetryAfter: 5}).RetryAfterSeconds(); n != 5 {
		t.Errorf("RetryAfterSeconds of an unavailable store = %d; want 5", n)
	}
}
