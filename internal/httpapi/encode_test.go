package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// The response encoder must write exactly what encoding/json writes, for
// every shape the API returns: nulls, empty lists, times, HTML-ish text.
func TestSerializerMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2026, 11, 22, 9, 30, 15, 123456000, time.UTC)
	year, interest := 2, "technology_management"
	view := casework.CaseView{Case: advising.Case{ID: "c1", Status: advising.StatusUnderReview,
		Applicant: advising.ApplicantRef{ID: "a1", FullName: `Zoë "Z" <O'Neil> & co`, Email: "z@example.org"},
		Advisor:   &advising.UserRef{ID: "v1", FullName: "Ada"}, NextFollowUpAt: &at, CreatedAt: at, UpdatedAt: at,
		Profile:  advising.Profile{YearsExperience: &year, ProgrammeInterest: &interest},
		Evidence: advising.Evidence{WorkSamples: 3, TechnologyManagement: 2, Hybrid: 1}, Version: 7},
		Flags: []advising.Flag{advising.FlagLimitedTrackRecord}}
	values := []any{
		newCaseSummaryResponse(view),
		newCaseResponse(view),
		newCaseSummaryResponse(casework.CaseView{}),
		newWorkSampleResponse(advising.WorkSample{ID: "w1", Title: "t", Description: "line\nbreak\u2028"}),
		newProfileResponse(advising.Profile{}),
		listResponse[userResponse]{Items: []userResponse{}},
		problem{Type: "about:blank", Title: "Not Found", Status: 404},
	}
	for _, v := range values {
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(v); err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		rec := httptest.NewRecorder()
		c := echo.New().NewContext(httptest.NewRequest("GET", "/", nil), rec)
		if err := (jsonSerializer{}).Serialize(c, v, ""); err != nil {
			t.Fatalf("Serialize(%T): %v", v, err)
		}
		if got := rec.Body.String(); got != want.String() {
			t.Errorf("Serialize(%T) = %s; want %s", v, got, want.String())
		}
	}
}
