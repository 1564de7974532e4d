package store

import (
	"context"
	"strings"
	"time"

	"advising/internal/advising"
)

// savedViewRow maps the saved_views table.
type savedViewRow struct {
	ID        string
	UserID    string
	Name      string
	Statuses  string // comma list
	Flag      string
	Advisor   string
	Sort      string
	CreatedAt time.Time
}

func (savedViewRow) TableName() string { return "saved_views" }

func (r savedViewRow) view() advising.SavedView {
	v := advising.SavedView{ID: r.ID, Name: r.Name, Flag: advising.Flag(r.Flag), Advisor: r.Advisor, Sort: r.Sort,
		CreatedAt: r.CreatedAt.UTC()}
	for _, s := range strings.Split(r.Statuses, ",") {
		if s != "" {
			v.Statuses = append(v.Statuses, advising.Status(s))
		}
	}
	return v
}

// CreateSavedView stores a view for userID; a name the user already has is
// CodeConflict.
func (s *Store) CreateSavedView(ctx context.Context, userID string, v advising.SavedView) (advising.SavedView, error) {
	ss := make([]string, len(v.Statuses))
	for i, st := range v.Statuses {
		ss[i] = string(st)
	}
	row := savedViewRow{ID: NewID(), UserID: userID, Name: v.Name, Statuses: strings.Join(ss, ","), Flag: string(v.Flag),
		Advisor: v.Advisor, Sort: v.Sort, CreatedAt: v.CreatedAt.UTC()}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return advising.SavedView{}, mapErr(err, "a saved view with this name")
	}
	return row.view(), nil
}

// SavedViews returns userID's views by name.
func (s *Store) SavedViews(ctx context.Context, userID string) ([]advising.SavedView, error) {
	var rows []savedViewRow
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("name, id").Find(&rows).Error; err != nil {
		return nil, mapErr(err, "saved views")
	}
	out := make([]advising.SavedView, len(rows))
	for i, r := range rows {
		out[i] = r.view()
	}
	return out, nil
}

// DeleteSavedView deletes userID's view id; someone else's, or none, is
// CodeNotFound.
func (s *Store) DeleteSavedView(ctx context.Context, userID, id string) error {
	res := s.w.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Delete(&savedViewRow{})
	if res.Error != nil {
		return mapErr(res.Error, "delete saved view")
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "saved view not found")
	}
	return nil
}
