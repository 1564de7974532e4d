package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// What the classifier's users teach it: how often advisors override each
// automatic label and into what, by classifier version and by person; the
// overridden samples as labelled data; and a dry run of reclassification
// before it is applied.

// rate is a share of samples overridden, in words and as a bar's width.
type rate struct {
	Samples, Overridden int
}

// Percent is the share overridden, rounded, as "12%" ("—" without samples).
func (r rate) Percent() string {
	if r.Samples == 0 {
		return "—"
	}
	return fmt.Sprintf("%d%%", (r.Overridden*100+r.Samples/2)/r.Samples)
}

// Width is the bar's width in percent, 0 to 100.
func (r rate) Width() int {
	if r.Samples == 0 {
		return 0
	}
	return r.Overridden * 100 / r.Samples
}

// labelRow is one automatic label's agreement with the advisors.
type labelRow struct {
	Label advising.Label
	rate
	Into []labelCount // what advisors chose instead, most chosen first
}

type labelCount struct {
	Label advising.Label
	Count int
}

type versionRow struct {
	Version string
	Current bool
	rate
}

// insightsData is what the insights page shows.
type insightsData struct {
	Form       *form
	Since      string // the day the counts start, "" for all time
	Total      rate
	Borderline rate
	Labels     []labelRow
	Versions   []versionRow
	People     []casework.OverrideCount
	Current    string // the running classifier's version
}

// handleInsights serves GET /admin/insights for admin: the office's
// classification insights, from the day in ?since= (office time) or all
// time.
func (s *site) handleInsights(c echo.Context) error {
	f := newForm()
	f.Values["since"] = strings.TrimSpace(c.QueryParam("since"))
	data := insightsData{Form: f, Current: casework.ClassifierVersion()}
	var since *time.Time
	if f.Values["since"] != "" {
		t, err := time.ParseInLocation(time.DateOnly, f.Values["since"], s.officeZone())
		if err != nil {
			f.fail(advising.Invalid(advising.FieldError{Field: "since", Message: "must be a date"}))
			return s.render(c, http.StatusUnprocessableEntity, "insights", "Classifier insights", data)
		}
		since, data.Since = &t, f.Values["since"]
	}
	in, err := s.cw.ClassificationInsights(c.Request().Context(), actorFrom(c), since)
	if err != nil {
		return err
	}
	data.Total = rate{in.Samples, in.Overridden}
	data.Borderline = rate{in.Borderline.Samples, in.Borderline.Overridden}
	for _, l := range allLabels {
		la := in.ByLabel[l]
		row := labelRow{Label: l, rate: rate{la.Samples, la.Overridden}}
		for to, n := range la.OverriddenTo {
			row.Into = append(row.Into, labelCount{to, n})
		}
		slices.SortFunc(row.Into, func(x, y labelCount) int {
			return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(string(x.Label), string(y.Label)))
		})
		data.Labels = append(data.Labels, row)
	}
	for _, v := range slices.Backward(in.ByVersion) { // newest version first
		data.Versions = append(data.Versions, versionRow{Version: v.Version, Current: v.Version == casework.ClassifierVersion(),
			rate: rate{v.Samples, v.Overridden}})
	}
	data.People = in.ByAdvisor
	return s.render(c, http.StatusOK, "insights", "Classifier insights", data)
}

// overrideLine is one line of the overrides download: the same JSON Lines
// format as GET /api/v1/insights/overrides (a test compares the two), which
// the training command reads.
type overrideLine struct {
	Title             string `json:"title"`
	Description       string `json:"description"`
	AutomaticLabel    string `json:"automatic_label"`
	EffectiveLabel    string `json:"effective_label"`
	Reason            string `json:"reason"`
	ClassifierVersion string `json:"classifier_version"`
}

// handleOverridesDownload serves GET /admin/insights/overrides.jsonl for
// admin: every overridden sample as JSON Lines, streamed page by page, and
// recorded in the audit trail as the API's export is.
func (s *site) handleOverridesDownload(c echo.Context) error {
	res := c.Response()
	start := func() {
		if res.Committed {
			return
		}
		res.Header().Set(echo.HeaderContentType, "application/x-ndjson")
		res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="overrides.jsonl"`)
		res.Header().Set(echo.HeaderCacheControl, "no-store") // applicants' texts
		res.WriteHeader(http.StatusOK)
	}
	enc := json.NewEncoder(res)
	enc.SetEscapeHTML(false)
	err := s.cw.ExportOverrides(c.Request().Context(), actorFrom(c), func(l casework.LabelledSample) error {
		start()
		return enc.Encode(overrideLine{Title: l.Title, Description: l.Description, AutomaticLabel: string(l.AutomaticLabel),
			EffectiveLabel: string(l.EffectiveLabel), Reason: l.Reason, ClassifierVersion: l.ClassifierVersion})
	})
	if err != nil && !res.Committed {
		return err
	}
	if err != nil {
		s.log.ErrorContext(c.Request().Context(), "overrides download stopped", "err", err,
			"request_id", res.Header().Get(echo.HeaderXRequestID))
		return nil
	}
	start() // no overridden samples: an empty file
	return nil
}

// reclassifyData is what the reclassification page shows: a dry run's
// forecast, or a run's result.
type reclassifyData struct {
	Result  casework.ReclassifyResult
	Applied bool
	Moves   []move
}

// move is one "old → new" automatic label change and how many samples it
// concerns.
type move struct {
	From, To advising.Label
	Count    int
}

func newReclassifyData(r casework.ReclassifyResult, applied bool) reclassifyData {
	d := reclassifyData{Result: r, Applied: applied}
	for k, n := range r.Changes {
		from, to, _ := strings.Cut(k, "→")
		d.Moves = append(d.Moves, move{advising.Label(from), advising.Label(to), n})
	}
	slices.SortFunc(d.Moves, func(x, y move) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(string(x.From), string(y.From)), strings.Compare(string(x.To), string(y.To)))
	})
	return d
}

// handleReclassifyPreview serves GET /admin/reclassify for admin: a dry run
// of the current classifier over every sample, saying what it would change,
// with the button that applies it.
func (s *site) handleReclassifyPreview(c echo.Context) error {
	r, err := s.cw.Reclassify(c.Request().Context(), actorFrom(c), true)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "reclassify", "Reclassify work samples", newReclassifyData(r, false))
}

// handleReclassify serves POST /admin/reclassify for admin: the confirmed
// run, which stores the new readings, keeps overrides and writes the audit
// trail; the page then says what changed.
func (s *site) handleReclassify(c echo.Context) error {
	r, err := s.cw.Reclassify(c.Request().Context(), actorFrom(c), false)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "reclassify", "Reclassify work samples", newReclassifyData(r, true))
}
