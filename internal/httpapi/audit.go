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
// optionally by case_id, actor_id, action and a since/until time range.
func handleAuditList(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit, err := queryLimit(c)
		if err != nil {
			return err
		}
		q := casework.AuditQuery{CaseID: c.QueryParam("case_id"), ActorID: c.QueryParam("actor_id"),
			Action: c.QueryParam("action"), Cursor: c.QueryParam("cursor"), Limit: limit}
		if q.Since, err = queryTime(c, "since"); err != nil {
			return err
		}
		if q.Until, err = queryTime(c, "until"); err != nil {
			return err
		}
		p, err := cw.ListAudit(c.Request().Context(), actorFrom(c), q)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newListResponse(p, newAuditEventResponse))
	}
}

// queryTime reads an optional RFC 3339 timestamp from the query string;
// anything else is a 422 naming the parameter.
func queryTime(c echo.Context, name string) (*time.Time, error) {
	s := c.QueryParam(name)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, advising.Invalid(advising.FieldError{Field: name, Message: "must be an RFC 3339 timestamp"})
	}
	t = t.UTC()
	return &t, nil
}
