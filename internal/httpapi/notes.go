package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// noteResponse is the contract's note.
type noteResponse struct {
	ID         string          `json:"id"`
	CaseID     string          `json:"case_id"`
	Author     userRefResponse `json:"author"`
	Body       string          `json:"body"`
	Visibility string          `json:"visibility"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

func newNoteResponse(n advising.Note) noteResponse {
	return noteResponse{ID: n.ID, CaseID: n.CaseID, Author: userRefResponse{ID: n.Author.ID, FullName: n.Author.FullName},
		Body: n.Body, Visibility: string(n.Visibility), CreatedAt: n.CreatedAt.UTC(), UpdatedAt: n.UpdatedAt.UTC()}
}

// handleNoteList serves GET /api/v1/cases/:caseID/notes for the assigned
// advisor and admin: every note, newest first.
func handleNoteList(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit, err := queryLimit(c)
		if err != nil {
			return err
		}
		p, err := cw.ListNotes(c.Request().Context(), actorFrom(c), c.Param("caseID"), c.QueryParam("cursor"), limit)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newListResponse(p, newNoteResponse))
	}
}

// handleNoteCreate serves POST /api/v1/cases/:caseID/notes for the assigned
// advisor and admin.
func handleNoteCreate(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		Body       string `json:"body" validate:"required,notblank,max=10000" text:"multiline"`
		Visibility string `json:"visibility" validate:"omitempty,oneof=private shared"`
	}
	return func(c echo.Context) error {
		var req request
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		n, err := cw.AddNote(c.Request().Context(), actorFrom(c), c.Param("caseID"),
			casework.NewNote{Body: req.Body, Visibility: advising.Visibility(req.Visibility)})
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/notes/"+n.ID)
		return c.JSON(http.StatusCreated, newNoteResponse(n))
	}
}

// handleNoteUpdate serves PATCH /api/v1/notes/:noteID for the note's author.
func handleNoteUpdate(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		Body       *string `json:"body" validate:"omitnil,min=1,notblank,max=10000" text:"multiline"`
		Visibility *string `json:"visibility" validate:"omitnil,oneof=private shared"`
	}
	return func(c echo.Context) error {
		var req request
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		ch := casework.NoteChanges{Body: req.Body}
		if req.Visibility != nil {
			v := advising.Visibility(*req.Visibility)
			ch.Visibility = &v
		}
		n, err := cw.UpdateNote(c.Request().Context(), actorFrom(c), c.Param("noteID"), ch)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newNoteResponse(n))
	}
}

// handleNoteDelete serves DELETE /api/v1/notes/:noteID for the note's author and admin.
func handleNoteDelete(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := cw.DeleteNote(c.Request().Context(), actorFrom(c), c.Param("noteID")); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// applicantCaseResponse is the applicant's view of their case: shared notes
// only, and no flags or evidence counts.
type applicantCaseResponse struct {
	ID             string                  `json:"id"`
	Status         string                  `json:"status"`
	Advisor        *userRefResponse        `json:"advisor"`
	Recommendation *recommendationResponse `json:"recommendation"`
	Notes          []noteResponse          `json:"notes"`
	Guidance       guidanceResponse        `json:"guidance"`
	UpdatedAt      time.Time               `json:"updated_at"`
}

// guidanceResponse is the contract's guidance: sentences, never a score.
type guidanceResponse struct {
	Summary   string   `json:"summary"`
	NextSteps []string `json:"next_steps"`
}

// handleApplicantCase serves GET /api/v1/applicants/:applicantID/case for the
// applicant, their assigned advisor and admin.
func handleApplicantCase(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := cw.ApplicantCase(c.Request().Context(), actorFrom(c), c.Param("applicantID"))
		if err != nil {
			return err
		}
		notes := make([]noteResponse, len(v.SharedNotes))
		for i, n := range v.SharedNotes {
			notes[i] = newNoteResponse(n)
		}
		return c.JSON(http.StatusOK, applicantCaseResponse{ID: v.ID, Status: string(v.Status), Advisor: newUserRefResponse(v.Advisor),
			Recommendation: newRecommendationResponse(v.Recommendation), Notes: notes,
			Guidance: guidanceResponse{Summary: v.Guidance.Summary, NextSteps: v.Guidance.NextSteps}, UpdatedAt: v.UpdatedAt.UTC()})
	}
}
