package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

type userRefResponse struct {
	ID       string `json:"id"`
	FullName string `json:"full_name"`
}

func newUserRefResponse(u *advising.UserRef) *userRefResponse {
	if u == nil {
		return nil
	}
	return &userRefResponse{ID: u.ID, FullName: u.FullName}
}

type applicantRefResponse struct {
	ID       string `json:"id"`
	FullName string `json:"full_name"`
	Email    string `json:"email"`
}

type evidenceResponse struct {
	WorkSamples           int    `json:"work_samples"`
	TechnologyManagement  int    `json:"technology_management"`
	EngineeringManagement int    `json:"engineering_management"`
	Hybrid                int    `json:"hybrid"`
	InsufficientEvidence  int    `json:"insufficient_evidence"`
	SuggestedPathway      string `json:"suggested_pathway"`
}

// caseSummaryResponse is the contract's case_summary.
type caseSummaryResponse struct {
	ID             string               `json:"id"`
	Status         string               `json:"status"`
	Applicant      applicantRefResponse `json:"applicant"`
	Advisor        *userRefResponse     `json:"advisor"`
	Evidence       evidenceResponse     `json:"evidence"`
	Flags          []advising.Flag      `json:"flags"`
	NextFollowUpAt *time.Time           `json:"next_follow_up_at"`
	CreatedAt      time.Time            `json:"created_at"`
	UpdatedAt      time.Time            `json:"updated_at"`
	Version        int                  `json:"version"`
}

func newCaseSummaryResponse(v casework.CaseView) caseSummaryResponse {
	e := v.Evidence
	r := caseSummaryResponse{ID: v.ID, Status: string(v.Status),
		Applicant: applicantRefResponse{ID: v.Applicant.ID, FullName: v.Applicant.FullName, Email: v.Applicant.Email},
		Advisor:   newUserRefResponse(v.Advisor),
		Evidence: evidenceResponse{WorkSamples: e.WorkSamples, TechnologyManagement: e.TechnologyManagement,
			EngineeringManagement: e.EngineeringManagement, Hybrid: e.Hybrid, InsufficientEvidence: e.InsufficientEvidence,
			SuggestedPathway: string(e.SuggestedPathway())},
		Flags: v.Flags, NextFollowUpAt: v.NextFollowUpAt, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, Version: v.Version}
	if r.Flags == nil {
		r.Flags = []advising.Flag{}
	}
	return r
}

type recommendationResponse struct {
	Pathway   string    `json:"pathway"`
	Rationale string    `json:"rationale"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

func newRecommendationResponse(r *advising.Recommendation) *recommendationResponse {
	if r == nil {
		return nil
	}
	return &recommendationResponse{Pathway: string(r.Pathway), Rationale: r.Rationale, DecidedBy: r.DecidedBy, DecidedAt: r.DecidedAt.UTC()}
}

// caseResponse is the contract's case: the summary and the case file.
type caseResponse struct {
	caseSummaryResponse
	Profile         profileResponse         `json:"profile"`
	WorkSamples     []workSampleResponse    `json:"work_samples"`
	Recommendation  *recommendationResponse `json:"recommendation"`
	StatusChangedAt time.Time               `json:"status_changed_at"`
}

func newCaseResponse(v casework.CaseView) caseResponse {
	ws := make([]workSampleResponse, len(v.WorkSamples))
	for i, w := range v.WorkSamples {
		ws[i] = newWorkSampleResponse(w)
	}
	return caseResponse{caseSummaryResponse: newCaseSummaryResponse(v), Profile: newProfileResponse(v.Profile),
		WorkSamples: ws, Recommendation: newRecommendationResponse(v.Recommendation), StatusChangedAt: v.StatusChangedAt.UTC()}
}

// caseETag is the strong entity tag of a case version. It names the case as
// well as the version, so a tag read from one case never matches another.
func caseETag(caseID string, version int) string {
	return `"` + caseID + "." + strconv.Itoa(version) + `"`
}

// maxIfMatch bounds the If-Match fields of a request, in bytes; a case's
// ETag is under 60.
const maxIfMatch = 1024

// ifMatch turns a request's If-Match fields into a precondition on the
// case's current ETag: nil when there are none. Per RFC 9110 the fields
// together are one list (a client or proxy may send several), "*" matches
// any case, a list matches when any member matches, and weak tags never
// match, as If-Match compares strongly. Members are read as entity-tags, so
// spacing, tabs and empty members do not matter. Fields longer than
// maxIfMatch together (docs/openapi.yaml states it) are not read: they
// never match, so the answer is 412 and nothing changes.
func ifMatch(h http.Header) casework.Precondition {
	var tags []string
	size := 0
	for _, line := range h.Values("If-Match") {
		size += len(line)
		tags = append(tags, entityTags(line)...)
	}
	if size > maxIfMatch {
		return func(string, int) bool { return false }
	}
	if len(tags) == 0 {
		return nil
	}
	return func(caseID string, version int) bool {
		want := caseETag(caseID, version)
		for _, tag := range tags {
			if tag == "*" || tag == want {
				return true
			}
		}
		return false
	}
}

// entityTags splits one If-Match field value into its members: "*", strong
// tags ("..."), weak tags (W/"..."). Anything that is not an entity-tag is
// kept as written, so it matches nothing.
func entityTags(v string) []string {
	var out []string
	for {
		v = strings.TrimLeft(v, " \t,")
		if v == "" {
			return out
		}
		start := v
		v = strings.TrimPrefix(v, "W/")
		end := 0
		if strings.HasPrefix(v, `"`) {
			if i := strings.IndexByte(v[1:], '"'); i >= 0 {
				end = i + 2
			}
		}
		if end == 0 { // not an entity-tag: up to the next comma
			end = strings.IndexByte(v, ',')
			if end < 0 {
				end = len(v)
			}
		}
		out = append(out, strings.TrimRight(start[:len(start)-len(v)+end], " \t"))
		v = v[end:]
	}
}

// writeCase answers with a whole case and its ETag.
func writeCase(c echo.Context, v casework.CaseView) error {
	c.Response().Header().Set("ETag", caseETag(v.ID, v.Version))
	return c.JSON(http.StatusOK, newCaseResponse(v))
}

// handleCaseList serves GET /api/v1/cases for advisors (their caseload) and
// admin (every case).
func handleCaseList(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit, err := queryLimit(c)
		if err != nil {
			return err
		}
		q := casework.CaseQuery{Flag: c.QueryParam("flag"), Q: c.QueryParam("q"), AdvisorID: c.QueryParam("advisor_id"),
			Sort: c.QueryParam("sort"), Cursor: c.QueryParam("cursor"), Limit: limit}
		if s := c.QueryParam("status"); s != "" {
			// One more than there are statuses is enough for casework to
			// refuse a longer list, without splitting all of it.
			q.Statuses = strings.SplitN(s, ",", len(advising.Statuses)+1)
		}
		switch c.QueryParam("unassigned") {
		case "", "false":
		case "true":
			q.Unassigned = true
		default:
			return advising.Invalid(advising.FieldError{Field: "unassigned", Message: "must be true or false"})
		}
		if _, pretty := c.QueryParams()["pretty"]; pretty || c.Echo().Debug {
			p, err := cw.ListCases(c.Request().Context(), actorFrom(c), q)
			if err != nil {
				return err
			}
			return c.JSON(http.StatusOK, newListResponse(p, newCaseSummaryResponse))
		}
		// The page as c.JSON would write it, built again only when it changed.
		body, err := cw.CaseListBuilt(c.Request().Context(), actorFrom(c), q, func(p casework.Page[casework.CaseView]) ([]byte, error) {
			b, err := gojson.Marshal(newListResponse(p, newCaseSummaryResponse))
			return append(b, '\n'), err
		})
		if err != nil {
			return err
		}
		return c.JSONBlob(http.StatusOK, body)
	}
}

// handleCaseGet serves GET /api/v1/cases/:caseID for the assigned advisor and admin.
func handleCaseGet(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := cw.Case(c.Request().Context(), actorFrom(c), c.Param("caseID"))
		if err != nil {
			return err
		}
		return writeCase(c, v)
	}
}

// optionalTime reads a JSON member that may be absent, null or an RFC 3339
// timestamp: set reports presence, t is nil for null. A value of another
// JSON type is a 400; a string that is not a timestamp a 422.
func optionalTime(raw json.RawMessage, field string) (t *time.Time, set bool, err error) {
	if len(raw) == 0 {
		return nil, false, nil
	}
	if string(raw) == "null" {
		return nil, true, nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false, badRequest("field %q must be a string or null", field)
	}
	v, perr := time.Parse(time.RFC3339, s)
	if perr != nil {
		return nil, false, advising.Invalid(advising.FieldError{Field: field, Message: "must be an RFC 3339 timestamp or null"})
	}
	v = v.UTC().Truncate(time.Microsecond)
	return &v, true, nil
}

// handleCaseUpdate serves PATCH /api/v1/cases/:caseID for the assigned
// advisor and admin: status and follow-up date, honouring If-Match.
func handleCaseUpdate(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		Status         *string         `json:"status" validate:"omitnil,oneof=new evidence_collection under_review recommended closed"`
		NextFollowUpAt json.RawMessage `json:"next_follow_up_at"`
	}
	return func(c echo.Context) error {
		var req request
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		var u casework.CaseUpdate
		var err error
		if u.NextFollowUpAt, u.SetFollowUp, err = optionalTime(req.NextFollowUpAt, "next_follow_up_at"); err != nil {
			return err
		}
		if req.Status != nil {
			st := advising.Status(*req.Status)
			u.Status = &st
		}
		v, err := cw.UpdateCase(c.Request().Context(), actorFrom(c), c.Param("caseID"), u, ifMatch(c.Request().Header))
		if err != nil {
			return err
		}
		return writeCase(c, v)
	}
}

// handleCaseAssign serves PUT /api/v1/cases/:caseID/assignment for admin.
func handleCaseAssign(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		AdvisorID json.RawMessage `json:"advisor_id"`
	}
	return func(c echo.Context) error {
		var req request
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		var advisorID *string
		switch {
		case len(req.AdvisorID) == 0:
			return advising.Invalid(advising.FieldError{Field: "advisor_id", Message: "is required (null to unassign)"})
		case string(req.AdvisorID) != "null":
			var id string
			if json.Unmarshal(req.AdvisorID, &id) != nil {
				return badRequest("field %q must be a string or null", "advisor_id")
			}
			advisorID = &id
		}
		v, err := cw.AssignCase(c.Request().Context(), actorFrom(c), c.Param("caseID"), advisorID)
		if err != nil {
			return err
		}
		return writeCase(c, v)
	}
}

// handleCaseRecommend serves PUT /api/v1/cases/:caseID/recommendation for the
// assigned advisor and admin.
func handleCaseRecommend(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		Pathway   string `json:"pathway" validate:"required,oneof=technology_management engineering_management hybrid_syllabus_review"`
		Rationale string `json:"rationale" validate:"required,notblank,max=5000" text:"multiline"`
	}
	return func(c echo.Context) error {
		var req request
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		v, err := cw.Recommend(c.Request().Context(), actorFrom(c), c.Param("caseID"), advising.Pathway(req.Pathway), req.Rationale)
		if err != nil {
			return err
		}
		return writeCase(c, v)
	}
}
