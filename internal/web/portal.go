package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// portalData is the applicant's overview.
type portalData struct {
	Applicant casework.Applicant
	Case      *applicantCase
	Samples   []advising.WorkSample
	Form      *form
	CanAdd    bool
	// Edits holds an edit form shown again with errors, by sample ID.
	Edits map[string]*form
	// MaxUpload is the upload limit in bytes, for the size check in the
	// page's script (the server checks again).
	MaxUpload int
}

// Edit returns the edit form of a sample: as posted when it failed, else
// filled from the sample.
func (d portalData) Edit(w advising.WorkSample) *form {
	if f, ok := d.Edits[w.ID]; ok {
		return f
	}
	f := newForm()
	f.Values["title"], f.Values["description"] = w.Title, w.Description
	return f
}

// Settled reports whether the case already has a recommendation or is
// closed, so new evidence may go unread unless the applicant says so.
func (d portalData) Settled() bool {
	return d.Case != nil && (d.Case.Status == advising.StatusRecommended || d.Case.Status == advising.StatusClosed)
}

// handlePortal serves GET /portal for applicants: their case, profile,
// work samples with classification and rationale, shared notes and the
// recommendation.
func (s *site) handlePortal(c echo.Context) error {
	return s.showPortal(c, http.StatusOK, newForm(), nil)
}

func (s *site) showPortal(c echo.Context, status int, f *form, edits map[string]*form) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	ap, err := s.cw.Applicant(ctx, a, a.UserID)
	if err != nil {
		return err
	}
	p, err := s.cw.WorkSamples(ctx, a, a.UserID, "", casework.MaxLimit)
	if err != nil {
		return err
	}
	ac, err := s.applicantCase(c, a.UserID)
	if err != nil {
		return err
	}
	return s.render(c, status, "portal", "My application", portalData{Applicant: ap, Case: ac, Samples: p.Items, Form: f,
		CanAdd: len(p.Items) < advising.MaxWorkSamples, Edits: edits, MaxUpload: maxUploadFile})
}

// handleSampleCreate serves POST /portal/work-samples for applicants: a
// work sample typed or pasted in, or uploaded as a text file.
func (s *site) handleSampleCreate(c echo.Context) error {
	f := newForm()
	f.Values["title"] = c.FormValue("title")
	f.Values["description"] = c.FormValue("description")
	in, err := readSample(c)
	if err == nil {
		_, err = s.cw.SubmitWorkSample(c.Request().Context(), actorFrom(c), actorFrom(c).UserID, in)
	}
	if err != nil {
		if !f.fail(err) {
			return err
		}
		// A refusal of the file as a whole goes next to the file field.
		if code := advising.ErrorCode(err); (code == advising.CodeUnsupportedMedia || code == advising.CodeTooLarge) && f.Summary != "" {
			f.Errors["file"], f.Summary = f.Summary, ""
		}
		return s.showPortal(c, statusFor(c, err), f, nil)
	}
	return redirect(c, "/portal?done=sample#samples")
}

// handleSampleUpdate serves POST /portal/work-samples/:sampleID for
// applicants: new title and text, classified again, as the API's PUT (an
// advisor's override is removed, since it judged other text).
func (s *site) handleSampleUpdate(c echo.Context) error {
	id := c.Param("sampleID")
	f := newForm()
	f.Values["title"], f.Values["description"] = c.FormValue("title"), c.FormValue("description")
	_, err := s.cw.ReviseWorkSample(c.Request().Context(), actorFrom(c), id, f.Values["title"], f.Values["description"])
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.showPortal(c, statusFor(c, err), newForm(), map[string]*form{id: f})
	}
	return redirect(c, "/portal?done=sample-updated#sample-"+id)
}

// handleSampleFile serves GET /portal/work-samples/:sampleID/file for
// applicants and GET /cases/:caseID/work-samples/:sampleID/file for the
// office: the original upload as an attachment (casework's rules decide
// who may have it).
func (s *site) handleSampleFile(c echo.Context) error {
	w, f, err := s.cw.WorkSampleFile(c.Request().Context(), actorFrom(c), c.Param("sampleID"))
	if err != nil {
		return err
	}
	if caseID := c.Param("caseID"); caseID != "" && caseID != w.CaseID {
		return advising.Errorf(advising.CodeNotFound, "work sample not found")
	}
	name := "upload"
	if w.Filename != nil {
		name = *w.Filename
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set(echo.HeaderCacheControl, "private, no-store")
	return c.Blob(http.StatusOK, f.ContentType, f.Content)
}

// maxUploadFile is the largest work-sample file, as the API allows.
const maxUploadFile = 10 << 20

// tooLarge is what the portal says about a file over the limit.
const tooLarge = "This file is larger than 10 MiB. Save a smaller copy (for example without pictures) or paste the text instead."

// readSample reads the sample form: a file when one was chosen, else the
// text typed in. Files follow the API's rules (casework reads them).
func readSample(c echo.Context) (casework.NewWorkSample, error) {
	in := casework.NewWorkSample{Title: c.FormValue("title"), Description: c.FormValue("description")}
	fh, err := c.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile):
		return in, nil
	case err != nil:
		var mbe *http.MaxBytesError
		var he *echo.HTTPError
		if errors.As(err, &mbe) || (errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge) {
			return in, advising.Errorf(advising.CodeTooLarge, tooLarge)
		}
		return in, advising.Errorf(advising.CodeBadRequest, "the upload could not be read")
	case fh.Size == 0 && fh.Filename == "":
		return in, nil
	}
	if strings.TrimSpace(in.Description) != "" {
		return in, advising.Invalid(advising.FieldError{Field: "description",
			Message: "must be empty when you upload a file; choose one or the other"})
	}
	b, err := uploadedFile(fh)
	if err != nil {
		return in, err
	}
	in.Upload = &casework.Upload{Filename: fh.Filename, Content: b}
	return in, nil
}

func uploadedFile(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > maxUploadFile {
		return nil, advising.Errorf(advising.CodeTooLarge, tooLarge)
	}
	r, err := fh.Open()
	if err != nil {
		return nil, advising.Errorf(advising.CodeBadRequest, "the upload could not be read")
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, maxUploadFile+1))
	if err != nil {
		return nil, advising.Errorf(advising.CodeBadRequest, "the upload could not be read")
	}
	return b, nil
}

// handleSampleDelete serves POST /portal/work-samples/:sampleID/delete for
// applicants, on their own samples only (casework's rule).
func (s *site) handleSampleDelete(c echo.Context) error {
	if err := s.cw.DeleteWorkSample(c.Request().Context(), actorFrom(c), c.Param("sampleID")); err != nil {
		return err
	}
	return redirect(c, "/portal?done=sample-deleted#samples")
}

// handleProfileForm serves GET /portal/profile for applicants.
func (s *site) handleProfileForm(c echo.Context) error {
	a := actorFrom(c)
	ap, err := s.cw.Applicant(c.Request().Context(), a, a.UserID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "profile", "Your profile", profileForm(ap.Profile))
}

// selfAssessed are the six skills, as form names and words.
var selfAssessed = []struct{ Name, Label string }{
	{"strategic_thinking", "Strategic thinking"},
	{"problem_solving", "Problem solving"},
	{"communication", "Communication"},
	{"team_building", "Team building"},
	{"adaptability", "Adaptability"},
	{"ethical_data_driven_decision_making", "Ethical and data-driven decision making"},
}

// profileForm fills the profile form from a stored profile.
func profileForm(p advising.Profile) *form {
	f := newForm()
	f.Values["years_experience"] = derefInt(p.YearsExperience)
	f.Values["sector"] = derefString(p.Sector)
	f.Values["responsibilities"] = strings.Join(p.Responsibilities, "\n")
	f.Values["target_role"] = derefString(p.TargetRole)
	f.Values["programme_interest"] = derefString(p.ProgrammeInterest)
	f.Values["study_mode"] = derefString(p.StudyMode)
	f.Values["target_intake"] = derefString(p.TargetIntake)
	if sa := p.SelfAssessment; sa != nil {
		for i, score := range []*int{sa.StrategicThinking, sa.ProblemSolving, sa.Communication, sa.TeamBuilding,
			sa.Adaptability, sa.EthicalDataDrivenDecisionMaking} {
			f.Values["self_assessment."+selfAssessed[i].Name] = derefInt(score)
		}
	}
	return f
}

// handleProfileSave serves POST /portal/profile for applicants: it replaces
// the whole profile, as the API's PUT does.
func (s *site) handleProfileSave(c echo.Context) error {
	f := newForm()
	for _, k := range []string{"years_experience", "sector", "responsibilities", "target_role", "programme_interest",
		"study_mode", "target_intake"} {
		f.Values[k] = c.FormValue(k)
	}
	var v advising.Validator
	opt := func(k string) *string {
		if s := strings.TrimSpace(f.Values[k]); s != "" {
			return &s
		}
		return nil
	}
	num := func(field string) *int {
		s := strings.TrimSpace(c.FormValue(field))
		f.Values[field] = s
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Add(field, "must be a whole number")
			return nil
		}
		return &n
	}
	p := advising.Profile{YearsExperience: num("years_experience"), Sector: opt("sector"), TargetRole: opt("target_role"),
		ProgrammeInterest: opt("programme_interest"), StudyMode: opt("study_mode"), TargetIntake: opt("target_intake")}
	for _, line := range strings.Split(f.Values["responsibilities"], "\n") {
		if line = strings.TrimSpace(line); line != "" {
			p.Responsibilities = append(p.Responsibilities, line)
		}
	}
	scores := make([]*int, len(selfAssessed))
	rated := false
	for i, sk := range selfAssessed {
		scores[i] = num("self_assessment." + sk.Name)
		rated = rated || scores[i] != nil
	}
	if rated {
		p.SelfAssessment = &advising.SelfAssessment{StrategicThinking: scores[0], ProblemSolving: scores[1],
			Communication: scores[2], TeamBuilding: scores[3], Adaptability: scores[4], EthicalDataDrivenDecisionMaking: scores[5]}
	}
	err := v.Err()
	if err == nil {
		a := actorFrom(c)
		_, err = s.cw.ReplaceProfile(c.Request().Context(), a, a.UserID, p)
	}
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.render(c, statusFor(c, err), "profile", "Your profile", f)
	}
	return redirect(c, "/portal?done=profile")
}
