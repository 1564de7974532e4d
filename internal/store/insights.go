package store

import (
	"context"
	"fmt"
	"time"

	"advising/internal/advising"
)

// InsightFilter selects the work samples the classification insights count.
type InsightFilter struct {
	AdvisorID string     // only samples of this advisor's cases; "" for the whole office
	Since     *time.Time // only samples added at or after this instant
}

// where adds the filter's conditions over work_samples w (joined to cases c
// when the filter needs it) and returns the FROM clause to use.
func (f InsightFilter) where(q *query) string {
	from := " FROM work_samples w"
	if f.AdvisorID != "" {
		from += " JOIN cases c ON c.id = w.case_id"
		q.add("c.advisor_id = ?", f.AdvisorID)
	}
	if f.Since != nil {
		q.add("w.created_at >= ?", f.Since.UTC())
	}
	return from
}

// ClassificationGroup counts the work samples that share a classifier
// version, an automatic label, an override label ("" when not overridden)
// and a borderline marker.
type ClassificationGroup struct {
	Version    string
	Label      advising.Label
	Override   advising.Label
	Borderline bool
	Samples    int
}

// ClassificationGroups counts the samples f selects by classifier version,
// automatic label, override label and borderline marker. The database does
// the counting, so the answer has a few dozen rows however many samples the
// office holds.
func (s *Store) ClassificationGroups(ctx context.Context, f InsightFilter) ([]ClassificationGroup, error) {
	var q query
	from := f.where(&q)
	rows, err := s.db.WithContext(ctx).Raw(`SELECT w.classifier_version, w.label, COALESCE(w.override_label, ''),
		CASE WHEN w.borderline THEN 1 ELSE 0 END, COUNT(*)`+from+q.sql()+`
		GROUP BY w.classifier_version, w.label, COALESCE(w.override_label, ''), CASE WHEN w.borderline THEN 1 ELSE 0 END`,
		q.args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("count classifications: %w", err)
	}
	defer rows.Close()
	out := []ClassificationGroup{}
	for rows.Next() {
		var g ClassificationGroup
		var label, override string
		var borderline int
		if err := rows.Scan(&g.Version, &label, &override, &borderline, &g.Samples); err != nil {
			return nil, fmt.Errorf("scan classification count: %w", err)
		}
		g.Label, g.Override, g.Borderline = advising.Label(label), advising.Label(override), borderline == 1
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count classifications: %w", err)
	}
	return out, nil
}

// OverrideCount is how many of the selected samples one person's override
// decides.
type OverrideCount struct {
	Person    advising.UserRef
	Overrides int
}

// OverridesByPerson counts the overrides among the samples f selects by the
// person who set them, most overrides first, then by name.
func (s *Store) OverridesByPerson(ctx context.Context, f InsightFilter) ([]OverrideCount, error) {
	var q query
	from := f.where(&q)
	q.add("w.override_label IS NOT NULL")
	rows, err := s.db.WithContext(ctx).Raw(`SELECT u.id, u.full_name, COUNT(*)`+from+` JOIN users u ON u.id = w.override_by`+
		q.sql()+` GROUP BY u.id, u.full_name ORDER BY COUNT(*) DESC, u.full_name, u.id`, q.args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("count overrides: %w", err)
	}
	defer rows.Close()
	out := []OverrideCount{}
	for rows.Next() {
		var c OverrideCount
		if err := rows.Scan(&c.Person.ID, &c.Person.FullName, &c.Overrides); err != nil {
			return nil, fmt.Errorf("scan override count: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count overrides: %w", err)
	}
	return out, nil
}

// ListOverriddenSamples returns up to limit overridden work samples with an
// ID greater than after, in ID order: a keyset walk for the export.
func (s *Store) ListOverriddenSamples(ctx context.Context, after string, limit int) ([]advising.WorkSample, error) {
	var rows []workSampleRow
	q := s.db.WithContext(ctx).Where("override_label IS NOT NULL").Order("id").Limit(limit)
	if after != "" {
		q = q.Where("id > ?", after)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list overridden work samples")
	}
	out := make([]advising.WorkSample, len(rows))
	for i, r := range rows {
		out[i] = r.workSample()
	}
	return out, nil
}
