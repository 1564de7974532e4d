package httpapi

import (
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"advising/internal/advising"
)

// routes lists every route with its guard. Route guards are coarse (which
// roles may use an endpoint at all); casework applies the per-record rules.
func routes(e *echo.Echo, d Deps) {
	cw := d.Casework
	const (
		applicant = advising.RoleApplicant
		advisor   = advising.RoleAdvisor
		admin     = advising.RoleAdmin
	)
	// Each guard authenticates first, then checks the role. Guards sit on
	// routes, not on a group, so an unknown path is a 404 even without a token.
	authn := authenticate(cw)
	guard := func(roles ...advising.Role) []echo.MiddlewareFunc {
		return []echo.MiddlewareFunc{authn, requireRole(roles...)}
	}
	anyRole := guard(applicant, advisor, admin)
	office := guard(advisor, admin)
	adminOnly := guard(admin)

	// Operations: no token needed.
	e.GET("/healthz", handleHealth)
	e.GET("/readyz", handleReady(cw))
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{})))

	v1 := e.Group("/api/v1")
	v1.GET("/openapi.yaml", handleOpenAPI(d.OpenAPI))
	v1.POST("/auth/register", handleRegister(cw))
	v1.POST("/auth/login", handleLogin(cw))
	v1.POST("/auth/logout", handleLogout(cw), anyRole...)

	// Identity.
	v1.GET("/me", handleMe(cw), anyRole...)
	v1.POST("/me/password", handlePasswordChange(cw), anyRole...)
	v1.POST("/users", handleUserCreate(cw), adminOnly...)
	v1.GET("/users", handleUserList(cw), adminOnly...)
	v1.PATCH("/users/:userID", handleUserUpdate(cw), adminOnly...)

	// Applicants and their evidence. Reads are open to every role; casework
	// shows each caller only their own applicant, caseload or (admin) all.
	own := guard(applicant)
	v1.GET("/applicants/:applicantID", handleApplicantGet(cw), anyRole...)
	v1.GET("/applicants/:applicantID/profile", handleProfileGet(cw), anyRole...)
	// Privacy: the applicant's own copy and erasure, or admin's. Advisors
	// are refused here; casework gives another applicant a 404.
	v1.GET("/applicants/:applicantID/export", handleApplicantExport(cw), guard(applicant, admin)...)
	v1.DELETE("/applicants/:applicantID", handleApplicantErase(cw), guard(applicant, admin)...)
	v1.PUT("/applicants/:applicantID/profile", handleProfileReplace(cw), own...)
	v1.POST("/applicants/:applicantID/work-samples", handleWorkSampleCreate(cw), own...)
	v1.GET("/applicants/:applicantID/work-samples", handleWorkSampleList(cw), anyRole...)
	v1.GET("/work-samples/:sampleID", handleWorkSampleGet(cw), anyRole...)
	v1.GET("/work-samples/:sampleID/file", handleWorkSampleFile(cw), anyRole...)
	v1.PUT("/work-samples/:sampleID", handleWorkSampleReplace(cw), own...)
	v1.DELETE("/work-samples/:sampleID", handleWorkSampleDelete(cw), own...)
	v1.PUT("/work-samples/:sampleID/override", handleOverrideSet(cw), office...)
	v1.DELETE("/work-samples/:sampleID/override", handleOverrideRemove(cw), office...)
	v1.POST("/admin/reclassify", handleReclassify(cw), adminOnly...)

	// Cases.
	v1.GET("/cases", handleCaseList(cw), office...)
	v1.GET("/cases/:caseID", handleCaseGet(cw), office...)
	v1.PATCH("/cases/:caseID", handleCaseUpdate(cw), office...)
	v1.PUT("/cases/:caseID/assignment", handleCaseAssign(cw), adminOnly...)
	v1.PUT("/cases/:caseID/recommendation", handleCaseRecommend(cw), office...)
	v1.GET("/cases/:caseID/notes", handleNoteList(cw), office...)
	v1.POST("/cases/:caseID/notes", handleNoteCreate(cw), office...)
	v1.PATCH("/notes/:noteID", handleNoteUpdate(cw), office...)
	v1.DELETE("/notes/:noteID", handleNoteDelete(cw), office...)
	v1.GET("/applicants/:applicantID/case", handleApplicantCase(cw), anyRole...)
	v1.GET("/dashboard", handleDashboard(cw), office...)
	v1.GET("/audit", handleAuditList(cw), adminOnly...)

	// What the classifier's users teach it.
	v1.GET("/insights/classification", handleClassificationInsights(cw), office...)
	v1.GET("/insights/overrides", handleOverridesExport(cw, d.Log), adminOnly...)
	_ = applicant
}
