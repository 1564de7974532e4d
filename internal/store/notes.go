package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"advising/internal/advising"
)

// noteColumns and noteFrom read a note with its author's name; scanNote
// reads them in order.
const (
	noteColumns = "n.id, n.case_id, n.author_id, u.full_name, n.body, n.visibility, n.created_at, n.updated_at"
	noteFrom    = " FROM notes n JOIN users u ON u.id = n.author_id"
)

func scanNote(sc interface{ Scan(...any) error }) (advising.Note, error) {
	var (
		n   advising.Note
		vis string
	)
	if err := sc.Scan(&n.ID, &n.CaseID, &n.Author.ID, &n.Author.FullName, &n.Body, &vis, &n.CreatedAt, &n.UpdatedAt); err != nil {
		return advising.Note{}, err
	}
	n.Visibility, n.CreatedAt, n.UpdatedAt = advising.Visibility(vis), n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	return n, nil
}

// insertNoteSQL writes a note only when its case exists;
// insertNoteAdvisorSQL only when the case is also the given advisor's.
const (
	// noteInsertColumns are the columns of a new note as noteArgs gives them.
	noteInsertColumns    = "id, case_id, author_id, body, visibility, created_at, updated_at"
	insertNoteSQL        = `INSERT INTO notes (` + noteInsertColumns + `) SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?)`
	insertNoteAdvisorSQL = `INSERT INTO notes (` + noteInsertColumns + `)
		SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cases WHERE id = ? AND advisor_id = ?)`
)

// noteArgs are the values of a new note's noteInsertColumns.
func noteArgs(n advising.Note) []any {
	return []any{n.ID, n.CaseID, n.Author.ID, n.Body, string(n.Visibility), n.CreatedAt, n.UpdatedAt}
}

// CreateNote inserts n, giving it an ID, if its case exists and, when
// advisorID is not "", is assigned to that advisor. It reports whether the
// note was written. The check and the insert are one statement, so the
// writer holds the database for as short a time as possible.
func (s *Store) CreateNote(ctx context.Context, n advising.Note, advisorID string) (advising.Note, bool, error) {
	n.ID = NewID()
	return s.createNote(ctx, n, advisorID)
}

// createNote is CreateNote for a note that has its ID.
func (s *Store) createNote(ctx context.Context, n advising.Note, advisorID string) (advising.Note, bool, error) {
	q := insertNoteSQL
	args := append(noteArgs(n), n.CaseID)
	if advisorID != "" {
		q = insertNoteAdvisorSQL
		args = append(args, advisorID)
	}
	written, err := s.execHot(ctx, q, args...)
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		// The case was deleted (an erasure) after the statement saw it, as
		// can happen on PostgreSQL: the same as not finding it.
		return advising.Note{}, false, nil
	}
	if err != nil {
		return advising.Note{}, false, mapErr(err, "insert note")
	}
	return n, written == 1, nil
}

// NoteByID returns a note with its author's name, or not-found. Inside Tx it
// reads the transaction's own view.
func (s *Store) NoteByID(ctx context.Context, id string) (advising.Note, error) {
	n, err := scanNote(s.db.WithContext(ctx).Raw("SELECT "+noteColumns+noteFrom+" WHERE n.id = ?", id).Row())
	if err != nil {
		return advising.Note{}, mapSQLErr(err, "note")
	}
	return n, nil
}

// NoteChanges are the fields UpdateNote may set; nil means unchanged.
type NoteChanges struct {
	Body       *string
	Visibility *advising.Visibility
}

// UpdateNote applies ch to a note. Not-found when there is no such note.
func (s *Store) UpdateNote(ctx context.Context, id string, ch NoteChanges, now time.Time) error {
	set := map[string]any{"updated_at": now}
	if ch.Body != nil {
		set["body"] = *ch.Body
	}
	if ch.Visibility != nil {
		set["visibility"] = string(*ch.Visibility)
	}
	res := s.w.WithContext(ctx).Table("notes").Where("id = ?", id).Updates(set)
	if res.Error != nil {
		return fmt.Errorf("update note: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "note not found")
	}
	return nil
}

// DeleteNote removes a note. Not-found when there is no such note.
func (s *Store) DeleteNote(ctx context.Context, id string) error {
	res := s.w.WithContext(ctx).Exec("DELETE FROM notes WHERE id = ?", id)
	if res.Error != nil {
		return fmt.Errorf("delete note: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "note not found")
	}
	return nil
}

// NoteFilter selects a case's notes, newest first.
type NoteFilter struct {
	CaseID     string
	SharedOnly bool   // only notes the applicant may read
	Before     string // keyset: notes with a smaller ID
	Limit      int    // 0 for no limit
}

// ListNotes returns a case's notes, newest first: up to Limit+1 of them when
// Limit is set, so the caller can tell whether another page exists. IDs are
// time-ordered, so id order is creation order.
func (s *Store) ListNotes(ctx context.Context, f NoteFilter) ([]advising.Note, error) {
	var q query
	q.add("n.case_id = ?", f.CaseID)
	if f.SharedOnly {
		q.add("n.visibility = ?", string(advising.VisibilityShared))
	}
	if f.Before != "" {
		q.add("n.id < ?", f.Before)
	}
	stmt := "SELECT " + noteColumns + noteFrom + q.sql() + " ORDER BY n.id DESC"
	args := q.args
	if f.Limit > 0 {
		stmt += " LIMIT ?"
		args = append(args, f.Limit+1)
	}
	rows, err := s.db.WithContext(ctx).Raw(stmt, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	defer rows.Close()
	out := []advising.Note{}
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, fmt.Errorf("scan note: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	return out, nil
}
