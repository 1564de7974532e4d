package casework

import (
	"context"
	"strings"

	"advising/internal/advising"
	"advising/internal/store"
)

// Saved views: limits on a person's list and on a view's name.
const (
	MaxSavedViews   = 20
	MaxViewNameLen  = 60
	maxViewsMessage = "you have 20 saved views already; delete one first"
)

// SaveView keeps a caseload query under a name for the advisor or admin a,
// so it is one click away: its statuses, flag, advisor choice and order.
// The search text is never kept (it may be an applicant's name). The query
// is checked as ListCases checks it (CodeInvalid, CodeForbidden); a name
// outside 1 to 60 characters, a 21st view, or a name a already uses is
// CodeInvalid or CodeConflict.
func (s *Service) SaveView(ctx context.Context, a advising.Actor, name string, q CaseQuery) (advising.SavedView, error) {
	q.Q = ""
	f, err := s.caseFilter(a, q)
	if err != nil {
		return advising.SavedView{}, err
	}
	name = strings.TrimSpace(name)
	var v advising.Validator
	n := len([]rune(name))
	v.Check(n >= 1 && n <= MaxViewNameLen, "name", "must be 1 to 60 characters")
	v.Check(!advising.ControlCharacter(name, false), "name", advising.ControlMessage(false))
	if err := v.Err(); err != nil {
		return advising.SavedView{}, err
	}
	view := advising.SavedView{Name: name, Statuses: f.Statuses, Flag: f.Flag, Sort: q.Sort}
	switch {
	case q.Unassigned:
		view.Advisor = "unassigned"
	case a.IsAdmin():
		view.Advisor = q.AdvisorID
	}
	var saved advising.SavedView
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		now := s.clock()
		have, err := tx.SavedViews(ctx, a.UserID)
		if err != nil {
			return err
		}
		if len(have) >= MaxSavedViews {
			return advising.Invalid(advising.FieldError{Field: "name", Message: maxViewsMessage})
		}
		for _, h := range have {
			if strings.EqualFold(h.Name, name) {
				return advising.Invalid(advising.FieldError{Field: "name", Message: "is already the name of one of your views"})
			}
		}
		view.CreatedAt = now
		if saved, err = tx.CreateSavedView(ctx, a.UserID, view); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "saved_view.created", "saved_view", saved.ID, "")
	})
	return saved, err
}

// SavedViews returns a's saved caseload views by name.
func (s *Service) SavedViews(ctx context.Context, a advising.Actor) ([]advising.SavedView, error) {
	if err := officeOnly(a); err != nil {
		return nil, err
	}
	return s.st.SavedViews(ctx, a.UserID)
}

// DeleteView deletes one of a's saved views; anyone else's is CodeNotFound.
func (s *Service) DeleteView(ctx context.Context, a advising.Actor, id string) error {
	if err := officeOnly(a); err != nil {
		return err
	}
	return s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteSavedView(ctx, a.UserID, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, s.clock(), "saved_view.deleted", "saved_view", id, "")
	})
}
