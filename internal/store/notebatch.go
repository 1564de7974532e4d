package store

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"

	"advising/internal/advising"
)

// Notes are the office's most frequent write, and on PostgreSQL each
// statement of a transaction is a round trip to the server. So notes
// written at the same moment share one transaction and one multi-row
// statement per table: the note writer takes whatever notes have queued,
// checks their cases with one query and inserts the notes and their audit
// events with one statement each. Every caller learns its own outcome after
// the commit. Should the shared transaction fail (a case erased meanwhile,
// say), each note is written again on its own, so one note's failure is
// never another's. A note with no other on its way is written at once, in
// a transaction of its own.

type noteReq struct {
	note      advising.Note
	advisorID string
	ev        advising.AuditEvent
	done      chan noteResult
}

type noteResult struct {
	written bool
	err     error
}

// CreateNoteAudited inserts n, giving it an ID, with its audit event ev (whose
// EntityID becomes the note's ID), if its case exists and, when advisorID is
// not "", is assigned to that advisor. It reports whether the note was
// written; nothing is written when it was not. Outside a transaction,
// concurrent calls share one transaction (noteWriter); inside one, it runs
// in that transaction.
func (s *Store) CreateNoteAudited(ctx context.Context, n advising.Note, advisorID string, ev advising.AuditEvent) (advising.Note, bool, error) {
	n.ID = NewID()
	ev.EntityID = n.ID
	r := noteReq{note: n, advisorID: advisorID, ev: ev, done: make(chan noteResult, 1)}
	if s.inTx { // a note not written: the caller's transaction should roll back
		switch err := s.createNoteAlone(ctx, r); {
		case errors.Is(err, errNoteNotWritten):
			return advising.Note{}, false, nil
		case err != nil:
			return advising.Note{}, false, err
		}
		return n, true, nil
	}
	// With no other note on its way, there is nothing to share a
	// transaction with: write it at once.
	defer s.notesBusy.Add(-1)
	if s.notesBusy.Add(1) == 1 {
		written, err := s.writeNoteAlone(ctx, r)
		if err != nil || !written {
			return advising.Note{}, false, err
		}
		return n, true, nil
	}
	select {
	case s.notes <- r:
	case <-ctx.Done():
		return advising.Note{}, false, ctx.Err()
	case <-s.quit:
		return advising.Note{}, false, errClosed
	}
	// Handed over: the note may be written whatever happens to ctx, so wait
	// for the outcome.
	res := <-r.done
	if res.err != nil || !res.written {
		return advising.Note{}, false, res.err
	}
	return n, true, nil
}

// noteWriter writes queued notes, up to maxBatch in a transaction, until the
// store closes.
func (s *Store) noteWriter() {
	defer close(s.notesStopped)
	own := newOwnConn(s.w, s.read, s.poolSize) // none on SQLite, whose one writer runs the batch
	defer own.drop()
	for {
		batch, ok := nextBatch(s.notes, s.quit)
		if !ok {
			return
		}
		s.writeNotes(batch, own)
	}
}

// writeNotes writes a batch in one transaction, on own's connection when
// there is one, or, if that fails, each note in a transaction of its own,
// and tells every caller its outcome.
func (s *Store) writeNotes(batch []noteReq, own *ownConn) {
	ctx := context.Background() // handed over: the callers wait for the outcome
	if len(batch) > 1 {
		var written []bool
		write := func(tx *Store) error {
			var err error
			written, err = tx.createNotes(ctx, batch)
			return err
		}
		var err error
		if own == nil {
			err = s.Tx(ctx, write)
		} else {
			var g *gorm.DB
			if g, err = own.get(ctx); err == nil {
				err = s.pgTxOn(ctx, g, true, write)
			}
			if err != nil && pgConnLost(err) {
				// The kept connection broke: give it back, and write the
				// batch on the pool, which replaces broken connections.
				own.drop()
				err = s.Tx(ctx, write)
			}
		}
		if err == nil {
			for i, r := range batch {
				r.done <- noteResult{written: written[i]}
			}
			return
		}
	}
	for _, r := range batch {
		written, err := s.writeNoteAlone(ctx, r)
		r.done <- noteResult{written: written, err: err}
	}
}

// writeNoteAlone writes one note and its audit event in a transaction of
// their own: the caseload rule is the insert's condition (CreateNote), so
// it takes one statement fewer than a batch.
func (s *Store) writeNoteAlone(ctx context.Context, r noteReq) (bool, error) {
	err := s.Tx(ctx, func(tx *Store) error { return tx.createNoteAlone(ctx, r) })
	if errors.Is(err, errNoteNotWritten) {
		return false, nil
	}
	return err == nil, err
}

// createNoteAlone inserts one note and its audit event inside the
// transaction, or returns errNoteNotWritten when the caseload rule refuses
// it. That is an error so that the transaction rolls back: on PostgreSQL a
// case erased under the insert has failed the transaction, which cannot
// commit.
func (tx *Store) createNoteAlone(ctx context.Context, r noteReq) error {
	_, written, err := tx.createNote(ctx, r.note, r.advisorID)
	switch {
	case err != nil:
		return err
	case !written:
		return errNoteNotWritten
	}
	return tx.RecordAudit(ctx, r.ev)
}

var errNoteNotWritten = errors.New("note not written")

// createNotes checks the notes' cases and inserts, inside the transaction,
// the notes whose case exists and is their advisor's, with their audit
// events. It reports which were written.
func (tx *Store) createNotes(ctx context.Context, batch []noteReq) ([]bool, error) {
	ids := make([]string, 0, len(batch))
	seen := make(map[string]bool, len(batch))
	for _, r := range batch {
		if !seen[r.note.CaseID] {
			seen[r.note.CaseID] = true
			ids = append(ids, r.note.CaseID)
		}
	}
	rows, err := tx.w.WithContext(ctx).Raw("SELECT id, COALESCE(advisor_id, '') FROM cases WHERE id IN ?", ids).Rows()
	if err != nil {
		return nil, err
	}
	advisorOf := make(map[string]string, len(ids))
	for rows.Next() {
		var id, advisor string
		if err := rows.Scan(&id, &advisor); err != nil {
			rows.Close()
			return nil, err
		}
		advisorOf[id] = advisor
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}

	written := make([]bool, len(batch))
	var notes, events []any
	n := 0
	for i, r := range batch {
		advisor, ok := advisorOf[r.note.CaseID]
		if !ok || (r.advisorID != "" && advisor != r.advisorID) {
			continue
		}
		written[i] = true
		n++
		notes = append(notes, noteArgs(r.note)...)
		events = append(events, auditArgs(r.ev)...)
	}
	if n == 0 {
		return written, nil
	}
	// On any error writeNotes writes each note again on its own.
	if err := tx.w.WithContext(ctx).Exec("INSERT INTO notes ("+noteInsertColumns+") VALUES "+placeholders(n, 7), notes...).Error; err != nil {
		return nil, err
	}
	if err := tx.w.WithContext(ctx).Exec("INSERT INTO audit_events ("+auditColumns+") VALUES "+placeholders(n, 9), events...).Error; err != nil {
		return nil, err
	}
	return written, nil
}

// placeholders returns rows groups of cols question marks: "(?, ?), (?, ?)".
func placeholders(rows, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}
