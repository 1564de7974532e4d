package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

type agreementResponse struct {
	Samples    int `json:"samples"`
	Overridden int `json:"overridden"`
}

type versionAgreementResponse struct {
	Version    string `json:"version"`
	Samples    int    `json:"samples"`
	Overridden int    `json:"overridden"`
}

type labelAgreementResponse struct {
	Samples      int            `json:"samples"`
	Overridden   int            `json:"overridden"`
	OverriddenTo map[string]int `json:"overridden_to"`
}

type advisorOverridesResponse struct {
	ID        string `json:"id"`
	FullName  string `json:"full_name"`
	Overrides int    `json:"overrides"`
}

// classificationInsightsResponse is the contract's classification insights.
// by_advisor is left out for an advisor, who sees only their own caseload.
type classificationInsightsResponse struct {
	Samples             int                               `json:"samples"`
	Overridden          int                               `json:"overridden"`
	ByClassifierVersion []versionAgreementResponse        `json:"by_classifier_version"`
	ByLabel             map[string]labelAgreementResponse `json:"by_label"`
	ByAdvisor           *[]advisorOverridesResponse       `json:"by_advisor,omitempty"` // nil: left out, not []
	Borderline          agreementResponse                 `json:"borderline"`
}

// handleClassificationInsights serves GET /api/v1/insights/classification
// for admin (the whole office) and advisors (their own caseload).
func handleClassificationInsights(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		var since *time.Time
		if s := c.QueryParam("since"); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return advising.Invalid(advising.FieldError{Field: "since", Message: "must be an RFC 3339 timestamp"})
			}
			since = &t
		}
		a := actorFrom(c)
		in, err := cw.ClassificationInsights(c.Request().Context(), a, since)
		if err != nil {
			return err
		}
		r := classificationInsightsResponse{Samples: in.Samples, Overridden: in.Overridden,
			ByClassifierVersion: make([]versionAgreementResponse, len(in.ByVersion)),
			ByLabel:             make(map[string]labelAgreementResponse, len(in.ByLabel)),
			Borderline:          agreementResponse{Samples: in.Borderline.Samples, Overridden: in.Borderline.Overridden}}
		for i, v := range in.ByVersion {
			r.ByClassifierVersion[i] = versionAgreementResponse{Version: v.Version, Samples: v.Samples, Overridden: v.Overridden}
		}
		for l, la := range in.ByLabel {
			to := make(map[string]int, len(la.OverriddenTo))
			for k, n := range la.OverriddenTo {
				to[string(k)] = n
			}
			r.ByLabel[string(l)] = labelAgreementResponse{Samples: la.Samples, Overridden: la.Overridden, OverriddenTo: to}
		}
		if a.IsAdmin() {
			people := make([]advisorOverridesResponse, len(in.ByAdvisor))
			for i, o := range in.ByAdvisor {
				people[i] = advisorOverridesResponse{ID: o.Person.ID, FullName: o.Person.FullName, Overrides: o.Overrides}
			}
			r.ByAdvisor = &people
		}
		return c.JSON(http.StatusOK, r)
	}
}

// overrideLine is one line of the overrides export.
type overrideLine struct {
	Title             string `json:"title"`
	Description       string `json:"description"`
	AutomaticLabel    string `json:"automatic_label"`
	EffectiveLabel    string `json:"effective_label"`
	Reason            string `json:"reason"`
	ClassifierVersion string `json:"classifier_version"`
}

// mimeNDJSON is the media type of the overrides export, one JSON object a line.
const mimeNDJSON = "application/x-ndjson"

// handleOverridesExport serves GET /api/v1/insights/overrides for admin:
// every overridden work sample as JSON Lines, streamed as casework reads
// them page by page. A failure before the first line is an ordinary
// problem; after it the status is sent, so the failure is logged here and
// the stream ends early.
func handleOverridesExport(cw *casework.Service, log *slog.Logger) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		start := func() {
			if res.Committed {
				return
			}
			res.Header().Set(echo.HeaderContentType, mimeNDJSON)
			res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="overrides.jsonl"`)
			res.Header().Set(echo.HeaderCacheControl, "no-store") // applicants' texts
			res.WriteHeader(http.StatusOK)
		}
		enc := json.NewEncoder(res)
		enc.SetEscapeHTML(false)
		err := cw.ExportOverrides(c.Request().Context(), actorFrom(c), func(s casework.LabelledSample) error {
			start()
			return enc.Encode(overrideLine{Title: s.Title, Description: s.Description, AutomaticLabel: string(s.AutomaticLabel),
				EffectiveLabel: string(s.EffectiveLabel), Reason: s.Reason, ClassifierVersion: s.ClassifierVersion})
		})
		if err != nil && !res.Committed {
			return err
		}
		if err != nil {
			log.ErrorContext(c.Request().Context(), "overrides export stopped", "err", err,
				"request_id", res.Header().Get(echo.HeaderXRequestID))
			return nil
		}
		start() // no overridden samples: an empty export
		return nil
	}
}
