package httpapi

import (
	"time"

	"advising/internal/advising"
)

type indicatorsResponse struct {
	TechnologyManagement  []string `json:"technology_management"`
	EngineeringManagement []string `json:"engineering_management"`
}

type classificationResponse struct {
	Label             string             `json:"label"`
	DeliverableType   string             `json:"deliverable_type"`
	Indicators        indicatorsResponse `json:"indicators"`
	Rationale         string             `json:"rationale"`
	ClassifierVersion string             `json:"classifier_version"`
}

type overrideResponse struct {
	Label  string    `json:"label"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// workSampleResponse is the contract's work_sample. It carries no numeric
// score: applicants see evidence, never points.
type workSampleResponse struct {
	ID             string                 `json:"id"`
	ApplicantID    string                 `json:"applicant_id"`
	Title          string                 `json:"title"`
	Description    string                 `json:"description"`
	Source         string                 `json:"source"`
	Filename       *string                `json:"filename"`
	Classification classificationResponse `json:"classification"`
	Override       *overrideResponse      `json:"override"`
	EffectiveLabel string                 `json:"effective_label"`
	CreatedAt      time.Time              `json:"created_at"`
	UpdatedAt      time.Time              `json:"updated_at"`
}

func newWorkSampleResponse(w advising.WorkSample) workSampleResponse {
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	c := w.Classification
	r := workSampleResponse{ID: w.ID, ApplicantID: w.ApplicantID, Title: w.Title, Description: w.Description,
		Source: w.Source, Filename: w.Filename, EffectiveLabel: string(w.EffectiveLabel()),
		Classification: classificationResponse{Label: string(c.Label), DeliverableType: c.DeliverableType,
			Indicators: indicatorsResponse{TechnologyManagement: nonNil(c.TechnologyManagement),
				EngineeringManagement: nonNil(c.EngineeringManagement)},
			Rationale: c.Rationale, ClassifierVersion: c.Version},
		CreatedAt: w.CreatedAt.UTC(), UpdatedAt: w.UpdatedAt.UTC()}
	if o := w.Override; o != nil {
		r.Override = &overrideResponse{Label: string(o.Label), Reason: o.Reason, By: o.By, At: o.At.UTC()}
	}
	return r
}
