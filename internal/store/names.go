package store

import (
	"context"
	"fmt"
	"slices"

	"advising/internal/advising"
)

// MaxNameLookup bounds how many IDs one name lookup takes: a page of the
// audit trail names far fewer.
const MaxNameLookup = 500

// UserNames returns the full names of the users with the given IDs, by ID.
// IDs with no user (an erased applicant, a made-up ID) are left out; more
// than MaxNameLookup IDs is an error.
func (s *Store) UserNames(ctx context.Context, ids []string) (map[string]string, error) {
	return s.userNames(ctx, ids, false)
}

// StaffNames is UserNames for advisors and admins only: an applicant's ID
// is left out as an unknown one is, so a list built from it never names an
// applicant.
func (s *Store) StaffNames(ctx context.Context, ids []string) (map[string]string, error) {
	return s.userNames(ctx, ids, true)
}

func (s *Store) userNames(ctx context.Context, ids []string, staffOnly bool) (map[string]string, error) {
	out := map[string]string{}
	ids = distinct(ids)
	if len(ids) == 0 {
		return out, nil
	}
	if len(ids) > MaxNameLookup {
		return nil, fmt.Errorf("user names: %d ids, at most %d", len(ids), MaxNameLookup)
	}
	q := s.db.WithContext(ctx).Table("users").Select("id, full_name").Where("id IN ?", ids)
	if staffOnly {
		q = q.Where("role <> ?", string(advising.RoleApplicant))
	}
	var rows []struct{ ID, FullName string }
	if err := q.Scan(&rows).Error; err != nil {
		return nil, mapErr(err, "select user names")
	}
	for _, r := range rows {
		out[r.ID] = r.FullName
	}
	return out, nil
}

// CaseApplicants returns the applicant of each case with one of the given
// IDs, by case ID; unknown (erased) cases are left out. More than
// MaxNameLookup IDs is an error.
func (s *Store) CaseApplicants(ctx context.Context, caseIDs []string) (map[string]advising.UserRef, error) {
	out := map[string]advising.UserRef{}
	caseIDs = distinct(caseIDs)
	if len(caseIDs) == 0 {
		return out, nil
	}
	if len(caseIDs) > MaxNameLookup {
		return nil, fmt.Errorf("case applicants: %d ids, at most %d", len(caseIDs), MaxNameLookup)
	}
	var rows []struct{ CaseID, ApplicantID, FullName string }
	err := s.db.WithContext(ctx).Table("cases c").Select("c.id AS case_id, u.id AS applicant_id, u.full_name").
		Joins("JOIN users u ON u.id = c.applicant_id").Where("c.id IN ?", caseIDs).Scan(&rows).Error
	if err != nil {
		return nil, mapErr(err, "select case applicants")
	}
	for _, r := range rows {
		out[r.CaseID] = advising.UserRef{ID: r.ApplicantID, FullName: r.FullName}
	}
	return out, nil
}

func distinct(ids []string) []string {
	ids = slices.DeleteFunc(slices.Clone(ids), func(s string) bool { return s == "" })
	slices.Sort(ids)
	return slices.Compact(ids)
}
