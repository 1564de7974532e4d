package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// auditEventResponse is one entry of the audit trail.
type auditEventResponse struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	ActorID    *string   `json:"actor_id"`
	ActorRole  *string   `json:"actor_role"`
	Action     string    `json:"action"`
	EntityType string    `json:"entity_type"`
	EntityID   string    `json:"entity_id"`
	CaseID     *string   `json:"case_id"`
	// Changes maps each field the event changed to its old and new value;
	// {} when it records none, or after the applicant it was about was erased.
	Changes map[string]auditChangeResponse `json:"changes"`
}

type auditChangeResponse struct {
	Old *string `json:"old"`
	New *string `json:"new"`
}

func newAuditEventResponse(e advising.AuditEvent) auditEventResponse {
	r := auditEventResponse{ID: e.ID, At: e.At.UTC(), ActorID: e.ActorID, Action: e.Action,
		EntityType: e.EntityType, EntityID: e.EntityID, CaseID: e.CaseID, Changes: map[string]auditChangeResponse{}}
	for _, ch := range e.Changes {
		r.Changes[ch.Field] = auditChangeResponse{Old: ch.Old, New: ch.New}
	}
	if e.ActorRole != nil {
		role := string(*e.ActorRole)
		r.ActorRole = &role
	}
	return r
}

// handleAuditList serves GET /api/v1/audit for admin: newest first,
// optionally by case_id and actor_id.
func handleAuditList(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit, err := queryLimit(c)
		if err != nil {
			return err
		}
		p, err := cw.ListAudit(c.Request().Context(), actorFrom(c), c.QueryParam("case_id"), c.QueryParam("actor_id"),
			c.QueryParam("cursor"), limit)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newListResponse(p, newAuditEventResponse))
	}
}
