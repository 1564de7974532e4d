package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
)

// routes lists every page with its guard. Every page route runs the
// security headers, the CSRF check, the session reader and (after any
// guard) the form's control-character check; guards sit on
// routes, not on a group, so the API's paths are untouched.
func (s *site) routes(e *echo.Echo) {
	const (
		applicant = advising.RoleApplicant
		advisor   = advising.RoleAdvisor
		admin     = advising.RoleAdmin
	)
	base := []echo.MiddlewareFunc{securityHeaders(), csrfProtection(), s.session}
	open := func(method, path string, h echo.HandlerFunc) {
		e.Add(method, path, h, append(base[:len(base):len(base)], plainText)...)
	}
	guarded := func(method, path string, h echo.HandlerFunc, roles ...advising.Role) {
		e.Add(method, path, h, append(base[:len(base):len(base)], signedIn(roles...), plainText)...)
	}
	get, post := http.MethodGet, http.MethodPost

	assets := echo.StaticDirectoryHandler(staticFiles(), false)
	e.GET("/static/*", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
		return assets(c)
	}, securityHeaders())

	// Identity.
	open(get, "/", s.handleHome)
	open(get, "/signin", s.handleSignInForm)
	open(post, "/signin", s.handleSignIn)
	open(post, "/signout", s.handleSignOut)
	open(get, "/register", s.handleRegisterForm)
	open(post, "/register", s.handleRegister)
	guarded(get, "/account/password", s.handlePasswordForm, applicant, advisor, admin)
	guarded(post, "/account/password", s.handlePasswordChange, applicant, advisor, admin)

	// Applicants.
	guarded(get, "/portal", s.handlePortal, applicant)
	guarded(get, "/portal/profile", s.handleProfileForm, applicant)
	guarded(post, "/portal/profile", s.handleProfileSave, applicant)
	guarded(post, "/portal/work-samples", s.handleSampleCreate, applicant)
	guarded(post, "/portal/work-samples/:sampleID", s.handleSampleUpdate, applicant)
	guarded(get, "/portal/work-samples/:sampleID/file", s.handleSampleFile, applicant)
	guarded(post, "/portal/work-samples/:sampleID/delete", s.handleSampleDelete, applicant)
	guarded(get, "/portal/export", s.handleMyExport, applicant)
	guarded(get, "/portal/erase", s.handleEraseForm, applicant)
	guarded(post, "/portal/erase", s.handleErase, applicant)

	// Advisors and admin: casework.
	guarded(get, "/dashboard", s.handleDashboard, advisor, admin)
	guarded(get, "/cases", s.handleCaseload, advisor, admin)
	guarded(get, "/cases/export", s.handleCaseloadExport, advisor, admin)
	guarded(post, "/cases/bulk", s.handleCaseBulk, advisor, admin)
	guarded(post, "/cases/views", s.handleViewSave, advisor, admin)
	guarded(post, "/cases/views/:viewID/delete", s.handleViewDelete, advisor, admin)
	guarded(get, "/cases/:caseID", s.handleCase, advisor, admin)
	guarded(post, "/cases/:caseID/status", s.handleCaseStatus, advisor, admin)
	guarded(post, "/cases/:caseID/follow-up", s.handleCaseFollowUp, advisor, admin)
	guarded(post, "/cases/:caseID/recommendation", s.handleCaseRecommend, advisor, admin)
	guarded(post, "/cases/:caseID/notes", s.handleNoteCreate, advisor, admin)
	guarded(post, "/cases/:caseID/notes/:noteID", s.handleNoteUpdate, advisor, admin)
	guarded(post, "/cases/:caseID/notes/:noteID/delete", s.handleNoteDelete, advisor, admin)
	guarded(get, "/cases/:caseID/work-samples/:sampleID/file", s.handleSampleFile, advisor, admin)
	guarded(post, "/cases/:caseID/work-samples/:sampleID/override", s.handleOverride, advisor, admin)
	guarded(post, "/cases/:caseID/work-samples/:sampleID/override/delete", s.handleOverrideRemove, advisor, admin)
	guarded(post, "/cases/:caseID/assignment", s.handleCaseAssign, admin)
	guarded(get, "/cases/:caseID/export", s.handleCaseExport, admin)
	guarded(post, "/cases/:caseID/erase", s.handleCaseErase, admin)

	// Admin.
	guarded(get, "/admin/advisors", s.handleAdvisors, admin)
	guarded(post, "/admin/advisors", s.handleAdvisorCreate, admin)
	guarded(post, "/admin/advisors/:userID/disable", s.handleAdvisorDisable(true), admin)
	guarded(post, "/admin/advisors/:userID/enable", s.handleAdvisorDisable(false), admin)
	guarded(get, "/admin/assignments", s.handleAssignments, admin)
	guarded(post, "/admin/assignments", s.handleAssign, admin)
	guarded(get, "/admin/audit", s.handleAudit, admin)
	guarded(get, "/admin/audit/export", s.handleAuditExport, admin)
	guarded(get, "/admin/insights", s.handleInsights, admin)
	guarded(get, "/admin/insights/overrides.jsonl", s.handleOverridesDownload, admin)
	guarded(get, "/admin/reclassify", s.handleReclassifyPreview, admin)
	guarded(post, "/admin/reclassify", s.handleReclassify, admin)
}
