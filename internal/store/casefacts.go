package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"advising/internal/advising"
)

// searchSeparator joins a case's lower-cased name and email in search_text
// (migration 00010). Neither a name nor an email may hold a line feed, so
// a search text that holds one matches no case, and one that does not can
// only match inside the name or inside the email, never across them.
const searchSeparator = "\n"

// searchText is the case's search_text for an applicant's name and email.
func searchText(fullName, email string) string {
	return strings.ToLower(fullName) + searchSeparator + strings.ToLower(email)
}

// staticFlags are the flags that depend on no clock, in the order of their
// bits in cases.static_flags: each is a function of the case's own evidence
// counters and copy of the profile, so the column is recomputed with them.
// Unassigned is left out: it is advisor_id IS NULL, which the dashboard
// groups by anyway. The clock-dependent flags are never stored.
var staticFlags = []advising.Flag{advising.FlagInsufficientEvidence, advising.FlagInterestEvidenceMismatch,
	advising.FlagHybridEvidence, advising.FlagLimitedTrackRecord, advising.FlagClassificationReview}

// staticFlagsExpr is the SQL value of static_flags over the alias c, from
// the flag filter's own predicates (so the two cannot disagree), with its
// arguments.
func staticFlagsExpr() (string, []any) {
	terms := make([]string, len(staticFlags))
	var args []any
	for i, f := range staticFlags {
		cond, a := flagPredicate(f, advising.FlagClock{})
		terms[i] = fmt.Sprintf("CASE WHEN %s THEN %d ELSE 0 END", cond, 1<<i)
		args = append(args, a...)
	}
	return "(" + strings.Join(terms, " + ") + ")", args
}

// refreshStaticFlags recomputes static_flags for the cases matching where
// (over the alias c), and only writes the ones that changed. Every write to
// the columns the static flags read calls it in the same transaction.
func (s *Store) refreshStaticFlags(ctx context.Context, where string, args ...any) error {
	expr, eargs := staticFlagsExpr()
	q := "UPDATE cases AS c SET static_flags = " + expr + " WHERE " + where + " AND c.static_flags <> " + expr
	all := append(append(append([]any{}, eargs...), args...), eargs...)
	if err := s.w.WithContext(ctx).Exec(q, all...).Error; err != nil {
		return fmt.Errorf("update case static flags: %w", err)
	}
	return nil
}

// refreshCaseFacts brings the derived case columns of migration 00010 up to
// date for the whole office: static_flags always (cheap, and it follows any
// change in the flag rules), search_text when fullText is set (after the
// migration, whose SQL LOWER folds only ASCII on SQLite).
func (s *Store) refreshCaseFacts(ctx context.Context, fullText bool) error {
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.refreshStaticFlags(ctx, "1 = 1"); err != nil {
			return err
		}
		if !fullText {
			return nil
		}
		rows, err := tx.w.WithContext(ctx).Raw(`SELECT c.id, c.search_text, u.full_name, u.email
			FROM cases c JOIN users u ON u.id = c.applicant_id`).Rows()
		if err != nil {
			return fmt.Errorf("read case search text: %w", err)
		}
		type change struct{ id, text string }
		var changes []change
		for rows.Next() {
			var id, have, name, email string
			if err := rows.Scan(&id, &have, &name, &email); err != nil {
				_ = rows.Close()
				return fmt.Errorf("scan case search text: %w", err)
			}
			if want := searchText(name, email); want != have {
				changes = append(changes, change{id, want})
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("read case search text: %w", err)
		}
		for _, c := range changes {
			if err := tx.w.WithContext(ctx).Exec("UPDATE cases SET search_text = ? WHERE id = ?", c.text, c.id).Error; err != nil {
				return fmt.Errorf("update case search text: %w", err)
			}
		}
		return nil
	})
}
