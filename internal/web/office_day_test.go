package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/casework"
	"advising/internal/httpapi"
	"advising/internal/store/storetest"
	"advising/internal/web"
)

// newSiteIn is newSite for an office in the time zone loc whose clock
// reads now.
func newSiteIn(t testing.TB, loc *time.Location, now func() time.Time) *site {
	t.Helper()
	st := storetest.New(t)
	cw := casework.New(casework.Options{Store: st, Tokens: auth.NewTokens(testSecret, 8*time.Hour, now),
		Hasher: auth.Hasher{Cost: bcrypt.MinCost}, Now: now, Location: loc})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := httpapi.NewServer(httpapi.Deps{Casework: cw, Log: log, OpenAPI: []byte("openapi: 3.1.0\n"),
		Registry: prometheus.NewRegistry()})
	web.Register(e, cw, web.Options{Log: log})
	return &site{e: e, cw: cw, st: st}
}

// A signed-in person who reaches a page that does not exist, or sends a
// form far too large, still sees their own header (name, Password, Sign
// out), not "Sign in | Register".
func TestErrorPagesKeepTheSignedInHeader(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	b := s.browser()
	b.signIn(t, o.advisor.Email)
	b.get(t, "/dashboard")
	huge := url.Values{"body": {strings.Repeat("x", 17<<20)}, "visibility": {"private"}}
	for name, rec := range map[string]interface {
		Result() *http.Response
	}{
		"unknown page":   b.get(t, "/no/such/page"),
		"oversized form": b.post(t, "/cases/"+o.samCase+"/notes", huge),
	} {
		res := rec.Result()
		body, _ := io.ReadAll(res.Body)
		page := string(body)
		want := map[string]int{"unknown page": http.StatusNotFound, "oversized form": http.StatusRequestEntityTooLarge}[name]
		if res.StatusCode != want || !strings.Contains(page, o.advisor.Name) || !strings.Contains(page, `href="/account/password"`) ||
			!strings.Contains(page, `action="/signout"`) || strings.Contains(page, `href="/register"`) {
			t.Errorf("%s signed in = %d; want %d with %s's header and no Register link:\n%s", name, res.StatusCode, want, o.advisor.Name, page)
		}
	}
	// Signed out, the same page offers sign-in.
	if page := s.browser().get(t, "/no/such/page").Body.String(); !strings.Contains(page, `href="/signin"`) {
		t.Errorf("unknown page signed out has no sign-in link:\n%s", page)
	}
}

// Times on the pages are the office's: in Hong Kong a follow-up typed as
// 15 December is 09:00 there (01:00 UTC), a date already over there is
// refused with a sentence, and errors never show a raw code.
func TestOfficeTimeZoneAndFollowUpRules(t *testing.T) {
	hk, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		t.Fatal(err)
	}
	// 20:00 UTC on 1 December 2026: already 2 December in Hong Kong.
	now := func() time.Time { return time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC) }
	s := newSiteIn(t, hk, now)
	o := s.office(t)
	b := s.browser()
	b.signIn(t, o.advisor.Email)
	page := "/cases/" + o.samCase
	b.get(t, page)

	rec := b.post(t, page+"/follow-up", url.Values{"next_follow_up_at": {"2026-12-15"}, "version": {""}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST follow-up 2026-12-15 = %d %s; want 303", rec.Code, rec.Body.String())
	}
	cv, err := s.cw.Case(context.Background(), o.admin, o.samCase)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 15, 1, 0, 0, 0, time.UTC); cv.NextFollowUpAt == nil || !cv.NextFollowUpAt.Equal(want) {
		t.Errorf("follow-up typed as 2026-12-15 in Hong Kong = %v; want %v", cv.NextFollowUpAt, want)
	}
	body := b.get(t, page).Body.String()
	for _, want := range []string{"15 Dec 2026", "HKT", `min="2026-12-02"`} {
		if !strings.Contains(body, want) {
			t.Errorf("case page in Hong Kong does not show %q", want)
		}
	}

	// 1 December is today in UTC but over in Hong Kong.
	rec = b.post(t, page+"/follow-up", url.Values{"next_follow_up_at": {"2026-12-01"}})
	body = rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "The follow-up date must not be in the past: choose today or a later date.") {
		t.Errorf("POST follow-up on a day already over = %d; want 422 with the sentence:\n%s", rec.Code, body)
	}
	// Today, after 09:00 there, is kept to the end of the day: not overdue at once.
	if rec := b.post(t, page+"/follow-up", url.Values{"next_follow_up_at": {"2026-12-02"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("POST follow-up today = %d %s; want 303", rec.Code, rec.Body.String())
	}
	if cv, err = s.cw.Case(context.Background(), o.admin, o.samCase); err != nil {
		t.Fatal(err)
	}
	for _, f := range cv.Flags {
		if f == advising.FlagFollowUpOverdue {
			t.Errorf("a follow-up set for later today is overdue at once: %v", cv.NextFollowUpAt)
		}
	}

	// A recommendation without a programme names the programmes in words.
	rec = b.post(t, page+"/recommendation", url.Values{"pathway": {"astrology"}, "rationale": {"Because."}})
	body = rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || strings.Contains(body, "one of: technology_management") ||
		!strings.Contains(body, "Technology Management, Engineering Management") {
		t.Errorf("POST a recommendation with an unknown pathway = %d; want 422 in words:\n%s", rec.Code, body)
	}
}
