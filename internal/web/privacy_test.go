package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"advising/internal/advising"
	"advising/internal/casework"
)

// The portal offers the applicant their copy and their erasure: the copy
// is a JSON download without private notes; erasure asks for the password,
// then signs them out for good.
func TestPortalExportAndErasure(t *testing.T) {
	s := newSite(t)
	admin := s.admin(t)
	advisor := s.staff(t, admin, advising.RoleAdvisor)
	a := s.applicant(t)
	ctx := context.Background()
	ac, err := s.cw.ApplicantCase(ctx, admin, a.ID)
	if err != nil {
		t.Fatalf("ApplicantCase: %v", err)
	}
	if _, err := s.cw.AssignCase(ctx, admin, ac.ID, &advisor.ID); err != nil {
		t.Fatalf("AssignCase: %v", err)
	}
	adv := advising.Actor{UserID: advisor.ID, Role: advising.RoleAdvisor, FullName: advisor.Name}
	for _, n := range []struct{ body, vis string }{{"private-marker-5e1", "private"}, {"shared-marker-9d4", "shared"}} {
		if _, err := s.cw.AddNote(ctx, adv, ac.ID, casework.NewNote{Body: n.body, Visibility: advising.Visibility(n.vis)}); err != nil {
			t.Fatalf("AddNote: %v", err)
		}
	}

	b := s.browser()
	b.signIn(t, a.Email)
	portal := b.get(t, "/portal").Body.String()
	if !strings.Contains(portal, `href="/portal/export"`) || !strings.Contains(portal, `href="/portal/erase"`) {
		t.Errorf("GET /portal lacks the download and erase links:\n%s", portal)
	}
	rec := b.get(t, "/portal/export")
	var doc struct {
		Scope   string `json:"scope"`
		Account struct {
			Email string `json:"email"`
		} `json:"account"`
	}
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment;") ||
		json.Unmarshal(rec.Body.Bytes(), &doc) != nil || doc.Scope != "applicant" || doc.Account.Email != a.Email ||
		!strings.Contains(rec.Body.String(), "shared-marker-9d4") || strings.Contains(rec.Body.String(), "private-marker-5e1") {
		t.Fatalf("GET /portal/export = %d %q %s; want the applicant's JSON attachment with the shared note only",
			rec.Code, rec.Header().Get("Content-Disposition"), rec.Body.String())
	}

	page := b.get(t, "/portal/erase")
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), a.Email) || !strings.Contains(page.Body.String(), "What will be erased") {
		t.Fatalf("GET /portal/erase = %d; want the confirmation page naming what goes:\n%s", page.Code, page.Body.String())
	}
	rec = b.post(t, "/portal/erase", url.Values{"password": {"not my password"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="password-error"`) {
		t.Fatalf("POST /portal/erase with a wrong password = %d; want 422 with the error by the field:\n%s", rec.Code, rec.Body.String())
	}
	rec = b.post(t, "/portal/erase", url.Values{"password": {testPassword}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/signin?done=erased" || b.cookies["advising_session"] != nil {
		t.Fatalf("POST /portal/erase = %d to %q (session kept: %v); want 303 to /signin?done=erased, signed out",
			rec.Code, rec.Header().Get("Location"), b.cookies["advising_session"] != nil)
	}
	if body := b.get(t, "/signin?done=erased").Body.String(); !strings.Contains(body, "have been erased") {
		t.Errorf("the sign-in page after erasure does not say so:\n%s", body)
	}
	if _, err := s.cw.Login(ctx, "", a.Email, testPassword); advising.ErrorCode(err) != advising.CodeUnauthenticated {
		t.Errorf("Login after erasure = %v; want unauthenticated", err)
	}
}

// On the case page admin downloads the office's copy and erases the
// applicant after typing their email; advisors get neither.
func TestCasePagePrivacyActions(t *testing.T) {
	s := newSite(t)
	admin := s.admin(t)
	advisor := s.staff(t, admin, advising.RoleAdvisor)
	a := s.applicant(t)
	ctx := context.Background()
	ac, err := s.cw.ApplicantCase(ctx, admin, a.ID)
	if err != nil {
		t.Fatalf("ApplicantCase: %v", err)
	}
	if _, err := s.cw.AssignCase(ctx, admin, ac.ID, &advisor.ID); err != nil {
		t.Fatalf("AssignCase: %v", err)
	}
	page := "/cases/" + ac.ID

	ab := s.browser()
	ab.signIn(t, advisor.Email)
	if body := ab.get(t, page).Body.String(); strings.Contains(body, "/export") || strings.Contains(body, "/erase") {
		t.Errorf("the advisor's case page offers export or erasure")
	}
	if rec := ab.get(t, page+"/export"); rec.Code != http.StatusForbidden {
		t.Errorf("GET %s/export as the advisor = %d; want 403", page, rec.Code)
	}
	if rec := ab.post(t, page+"/erase", url.Values{"confirm_email": {a.Email}}); rec.Code != http.StatusForbidden {
		t.Errorf("POST %s/erase as the advisor = %d; want 403", page, rec.Code)
	}
	appb := s.browser()
	appb.signIn(t, a.Email)
	if rec := appb.get(t, page+"/export"); rec.Code != http.StatusForbidden {
		t.Errorf("GET %s/export as the applicant = %d; want 403", page, rec.Code)
	}

	b := s.browser()
	b.signIn(t, "admin@example.org")
	body := b.get(t, page).Body.String()
	if !strings.Contains(body, `href="/cases/`+ac.ID+`/export"`) || !strings.Contains(body, `action="/cases/`+ac.ID+`/erase"`) {
		t.Fatalf("the admin's case page lacks the download and erase actions:\n%s", body)
	}
	rec := b.get(t, page+"/export")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"scope": "office"`) || !strings.Contains(rec.Body.String(), `"audit_events"`) {
		t.Fatalf("GET %s/export as admin = %d %s; want the office's copy", page, rec.Code, rec.Body.String())
	}
	rec = b.post(t, page+"/erase", url.Values{"confirm_email": {"someone.else@example.org"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="confirm_email-error"`) {
		t.Fatalf("POST %s/erase with the wrong email = %d; want 422 with the error by the field", page, rec.Code)
	}
	if _, err := s.cw.Applicant(ctx, admin, a.ID); err != nil {
		t.Fatalf("the applicant was erased without confirmation: %v", err)
	}
	rec = b.post(t, page+"/erase", url.Values{"confirm_email": {" " + strings.ToUpper(a.Email) + " "}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/cases?done=applicant-erased" {
		t.Fatalf("POST %s/erase = %d to %q; want 303 to /cases?done=applicant-erased", page, rec.Code, rec.Header().Get("Location"))
	}
	if rec := b.get(t, page); rec.Code != http.StatusNotFound {
		t.Errorf("GET %s after erasure = %d; want 404", page, rec.Code)
	}
	if rec := appb.get(t, "/portal"); rec.Code != http.StatusSeeOther {
		t.Errorf("the erased applicant's session still opens /portal: %d", rec.Code)
	}
}
