package casework

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"advising/internal/advising"
	"advising/internal/store"
)

// MaxNoteLen is the longest note body, in characters.
const MaxNoteLen = 10000

// NewNote is a note an advisor writes. An empty Visibility means private.
type NewNote struct {
	Body       string
	Visibility advising.Visibility
}

// NoteChanges are the fields UpdateNote may change; nil means unchanged.
type NoteChanges = store.NoteChanges

var errNoteNotFound = advising.Errorf(advising.CodeNotFound, "note not found")

func checkNote(body *string, vis *advising.Visibility) error {
	var v advising.Validator
	if body != nil {
		n := utf8.RuneCountInString(*body)
		v.Check(n >= 1 && n <= MaxNoteLen && strings.TrimSpace(*body) != "", "body", "must be 1 to 10000 characters, not all blank")
	}
	if vis != nil {
		v.Check(vis.Valid(), "visibility", "must be one of: private, shared")
	}
	return v.Err()
}

// caseForOffice loads who a case belongs to and applies the caseload rule:
// a case the caller may not see is CodeNotFound.
func caseForOffice(ctx context.Context, st *store.Store, a advising.Actor, caseID string) (store.CaseAccess, error) {
	ca, err := st.CaseAccessByID(ctx, caseID)
	if err != nil {
		return store.CaseAccess{}, err
	}
	if !advising.OfficeMaySee(a, ca.AdvisorID) {
		return store.CaseAccess{}, errCaseNotFound
	}
	return ca, nil
}

type noteCursor struct {
	ID string `json:"id"`
}

// ListNotes returns a page of a case's notes, private and shared, newest
// first, to its assigned advisor or admin. Anyone else gets CodeNotFound
// (applicants CodeForbidden); a bad limit or cursor is CodeInvalid.
func (s *Service) ListNotes(ctx context.Context, a advising.Actor, caseID, cursor string, limit int) (Page[advising.Note], error) {
	if err := officeOnly(a); err != nil {
		return Page[advising.Note]{}, err
	}
	limit, err := checkLimit(limit)
	if err != nil {
		return Page[advising.Note]{}, err
	}
	var cur noteCursor
	if err := decodeCursor(cursor, &cur); err != nil {
		return Page[advising.Note]{}, err
	}
	if _, err := caseForOffice(ctx, s.st, a, caseID); err != nil {
		return Page[advising.Note]{}, err
	}
	rows, err := s.st.ListNotes(ctx, store.NoteFilter{CaseID: caseID, Before: cur.ID, Limit: limit})
	if err != nil {
		return Page[advising.Note]{}, err
	}
	return paginate(rows, limit, func(n advising.Note) any { return noteCursor{ID: n.ID} }), nil
}

// AddNote adds the caller's note to a case they advise (or, for admin, any
// case). A body outside 1 to 10,000 characters or an unknown visibility is
// CodeInvalid; a case the caller may not see is CodeNotFound.
func (s *Service) AddNote(ctx context.Context, a advising.Actor, caseID string, in NewNote) (advising.Note, error) {
	if err := officeOnly(a); err != nil {
		return advising.Note{}, err
	}
	if in.Visibility == "" {
		in.Visibility = advising.VisibilityPrivate
	}
	if err := checkNote(&in.Body, &in.Visibility); err != nil {
		return advising.Note{}, err
	}
	// The caseload rule, checked in the note's transaction: admin writes
	// on any case, an advisor only on their own.
	onlyAdvisor := a.UserID
	if a.IsAdmin() {
		onlyAdvisor = ""
	}
	// The note and its audit event, in a transaction shared with the
	// notes written at the same moment (store.CreateNoteAudited).
	now := s.clock()
	n, written, err := s.st.CreateNoteAudited(ctx, advising.Note{CaseID: caseID, Author: advising.UserRef{ID: a.UserID, FullName: a.FullName},
		Body: in.Body, Visibility: in.Visibility, CreatedAt: now, UpdatedAt: now}, onlyAdvisor,
		auditEvent(a, now, "note.created", "note", "", caseID))
	if err == nil && !written {
		err = errCaseNotFound
	}
	return n, err
}

// noteForOffice loads a note and applies the rules: a note on a case the
// caller may not see is CodeNotFound.
func noteForOffice(ctx context.Context, tx *store.Store, a advising.Actor, noteID string) (advising.Note, error) {
	n, err := tx.NoteByID(ctx, noteID)
	if err != nil {
		return advising.Note{}, err
	}
	if _, err := caseForOffice(ctx, tx, a, n.CaseID); err != nil {
		if advising.ErrorCode(err) == advising.CodeNotFound {
			return advising.Note{}, errNoteNotFound
		}
		return advising.Note{}, err
	}
	return n, nil
}

// UpdateNote lets a note's author change its body or visibility. Someone
// else who may see the case gets CodeForbidden; anyone else CodeNotFound.
func (s *Service) UpdateNote(ctx context.Context, a advising.Actor, noteID string, ch NoteChanges) (advising.Note, error) {
	if err := officeOnly(a); err != nil {
		return advising.Note{}, err
	}
	if err := checkNote(ch.Body, ch.Visibility); err != nil {
		return advising.Note{}, err
	}
	now := s.clock()
	var n advising.Note
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		old, err := noteForOffice(ctx, tx, a, noteID)
		if err != nil {
			return err
		}
		if old.Author.ID != a.UserID {
			return advising.Errorf(advising.CodeForbidden, "only the note's author may edit it")
		}
		if ch.Body == nil && ch.Visibility == nil {
			n = old
			return nil
		}
		if err := tx.UpdateNote(ctx, old.ID, ch, now); err != nil {
			return err
		}
		var changes []advising.FieldChange
		if ch.Visibility != nil && *ch.Visibility != old.Visibility {
			changes = append(changes, change("visibility", optional(&old.Visibility), string(*ch.Visibility)))
		}
		if err := audit(ctx, tx, a, now, "note.updated", "note", old.ID, old.CaseID, changes...); err != nil {
			return err
		}
		n, err = tx.NoteByID(ctx, old.ID)
		return err
	})
	return n, err
}

// DeleteNote lets a note's author or admin delete it; the audit trail keeps
// the fact. An assigned advisor who did not write it gets CodeForbidden;
// anyone else CodeNotFound.
func (s *Service) DeleteNote(ctx context.Context, a advising.Actor, noteID string) error {
	if err := officeOnly(a); err != nil {
		return err
	}
	now := s.clock()
	return s.st.Tx(ctx, func(tx *store.Store) error {
		n, err := noteForOffice(ctx, tx, a, noteID)
		if err != nil {
			return err
		}
		if n.Author.ID != a.UserID && !a.IsAdmin() {
			return advising.Errorf(advising.CodeForbidden, "only the note's author or admin may delete it")
		}
		if err := tx.DeleteNote(ctx, n.ID); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "note.deleted", "note", n.ID, n.CaseID)
	})
}

// ApplicantCase is the applicant's view of their case: never flags,
// evidence counts or private notes; guidance in words instead.
type ApplicantCase struct {
	ID             string
	Status         advising.Status
	Advisor        *advising.UserRef
	Recommendation *advising.Recommendation
	SharedNotes    []advising.Note // newest first
	Guidance       advising.Guidance
	UpdatedAt      time.Time
}

// ApplicantCase returns an applicant's view of their case to the applicant,
// the assigned advisor or admin; anyone else gets CodeNotFound. It reads
// shared notes only: this is the one way an applicant reaches notes.
func (s *Service) ApplicantCase(ctx context.Context, a advising.Actor, applicantID string) (ApplicantCase, error) {
	ca, err := s.st.CaseAccessByApplicant(ctx, applicantID)
	if err != nil {
		return ApplicantCase{}, err
	}
	self := a.Role == advising.RoleApplicant && a.UserID == applicantID
	if !self && !advising.OfficeMaySee(a, ca.AdvisorID) {
		return ApplicantCase{}, errCaseNotFound
	}
	c, err := s.st.CaseByID(ctx, ca.ID)
	if err != nil {
		return ApplicantCase{}, err
	}
	notes, err := s.st.ListNotes(ctx, store.NoteFilter{CaseID: ca.ID, SharedOnly: true})
	if err != nil {
		return ApplicantCase{}, err
	}
	p, err := s.st.ProfileByApplicant(ctx, applicantID)
	if err != nil {
		return ApplicantCase{}, err
	}
	// The case's counters are by effective label, kept in step with every
	// sample change, so guidance follows overrides at once.
	return ApplicantCase{ID: c.ID, Status: c.Status, Advisor: c.Advisor, Recommendation: c.Recommendation,
		SharedNotes: notes, Guidance: advising.GuidanceFor(c.Evidence, p.ProgrammeInterest), UpdatedAt: c.UpdatedAt}, nil
}
