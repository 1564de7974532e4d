// Package seeds embeds the demo office loaded into an empty development
// database. It is never loaded in production.
package seeds

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed demo_office.json
var demoOffice []byte

// Office is the demo office: one admin, advisors and applicants.
type Office struct {
	Password   string      `json:"password"`
	Admin      Person      `json:"admin"`
	Advisors   []Person    `json:"advisors"`
	Applicants []Applicant `json:"applicants"`
}

// Person is a demo account.
type Person struct {
	Email    string `json:"email"`
	FullName string `json:"full_name"`
}

// Applicant is a demo applicant with their case.
type Applicant struct {
	Person
	Advisor        string          `json:"advisor"` // the advisor's email, or "" for unassigned
	Status         string          `json:"status"`
	StatusDaysAgo  int             `json:"status_days_ago"`   // when the case reached its status
	FollowUpInDays *int            `json:"follow_up_in_days"` // negative: overdue
	Profile        json.RawMessage `json:"profile"`           // the profile API's JSON shape
	IntakeInMonths *int            `json:"intake_in_months"`  // sets profile target_intake relative to today
	WorkSamples    []WorkSample    `json:"work_samples"`
	Notes          []Note          `json:"notes"`
	Recommendation *Recommendation `json:"recommendation"`
	Overrides      []Override      `json:"overrides"`
}

// WorkSample is a demo work-sample description.
type WorkSample struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

// Note is a demo advisor note.
type Note struct {
	Visibility string `json:"visibility"`
	Body       string `json:"body"`
}

// Recommendation is a demo recommendation.
type Recommendation struct {
	Pathway   string `json:"pathway"`
	Rationale string `json:"rationale"`
}

// Override is an advisor's demo override of a sample's label (by index).
type Override struct {
	Sample int    `json:"sample"`
	Label  string `json:"label"`
	Reason string `json:"reason"`
}

// Demo returns the demo office.
func Demo() (Office, error) {
	var o Office
	if err := json.Unmarshal(demoOffice, &o); err != nil {
		return Office{}, fmt.Errorf("read demo office: %w", err)
	}
	return o, nil
}
