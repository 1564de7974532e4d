package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

type indicatorsResponse struct {
	TechnologyManagement  []string `json:"technology_management"`
	EngineeringManagement []string `json:"engineering_management"`
}

type classificationResponse struct {
	Label             string             `json:"label"`
	DeliverableType   string             `json:"deliverable_type"`
	Indicators        indicatorsResponse `json:"indicators"`
	Rationale         string             `json:"rationale"`
	Borderline        bool               `json:"borderline"`
	ClassifierVersion string             `json:"classifier_version"`
}

type overrideResponse struct {
	Label  string    `json:"label"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// workSampleResponse is the contract's work_sample. It carries no numeric
// score: applicants see evidence, never points.
type workSampleResponse struct {
	ID             string                 `json:"id"`
	ApplicantID    string                 `json:"applicant_id"`
	Title          string                 `json:"title"`
	Description    string                 `json:"description"`
	Source         string                 `json:"source"`
	Filename       *string                `json:"filename"`
	Classification classificationResponse `json:"classification"`
	Override       *overrideResponse      `json:"override"`
	EffectiveLabel string                 `json:"effective_label"`
	CreatedAt      time.Time              `json:"created_at"`
	UpdatedAt      time.Time              `json:"updated_at"`
}

func newWorkSampleResponse(w advising.WorkSample) workSampleResponse {
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	c := w.Classification
	r := workSampleResponse{ID: w.ID, ApplicantID: w.ApplicantID, Title: w.Title, Description: w.Description,
		Source: w.Source, Filename: w.Filename, EffectiveLabel: string(w.EffectiveLabel()),
		Classification: classificationResponse{Label: string(c.Label), DeliverableType: c.DeliverableType,
			Indicators: indicatorsResponse{TechnologyManagement: nonNil(c.TechnologyManagement),
				EngineeringManagement: nonNil(c.EngineeringManagement)},
			Rationale: c.Rationale, Borderline: c.Borderline, ClassifierVersion: c.Version},
		CreatedAt: w.CreatedAt.UTC(), UpdatedAt: w.UpdatedAt.UTC()}
	if o := w.Override; o != nil {
		r.Override = &overrideResponse{Label: string(o.Label), Reason: o.Reason, By: o.By, At: o.At.UTC()}
	}
	return r
}

// workSampleRequest is the JSON body of POST and PUT on work samples.
type workSampleRequest struct {
	Title       string `json:"title" validate:"required,notblank,max=200"`
	Description string `json:"description" validate:"required,notblank,max=20000" text:"multiline"`
}

// handleWorkSampleCreate serves POST /api/v1/applicants/:applicantID/work-samples
// for the applicant themself, as JSON {title, description} or as a
// multipart/form-data upload with a title and a text file.
func handleWorkSampleCreate(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in casework.NewWorkSample
		if isMultipart(c.Request()) {
			var err error
			if in, err = readUpload(c); err != nil {
				return err
			}
		} else {
			var req workSampleRequest
			if err := decodeJSON(c, &req); err != nil {
				return err
			}
			in = casework.NewWorkSample{Title: req.Title, Description: req.Description}
		}
		w, err := cw.SubmitWorkSample(c.Request().Context(), actorFrom(c), c.Param("applicantID"), in)
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/work-samples/"+w.ID)
		return c.JSON(http.StatusCreated, newWorkSampleResponse(w))
	}
}

// handleWorkSampleList serves GET /api/v1/applicants/:applicantID/work-samples
// for the applicant, their assigned advisor and admin.
func handleWorkSampleList(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit, err := queryLimit(c)
		if err != nil {
			return err
		}
		p, err := cw.WorkSamples(c.Request().Context(), actorFrom(c), c.Param("applicantID"), c.QueryParam("cursor"), limit)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newListResponse(p, newWorkSampleResponse))
	}
}

// handleWorkSampleGet serves GET /api/v1/work-samples/:sampleID for the
// applicant, their assigned advisor and admin.
func handleWorkSampleGet(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		w, err := cw.WorkSample(c.Request().Context(), actorFrom(c), c.Param("sampleID"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newWorkSampleResponse(w))
	}
}

// handleWorkSampleReplace serves PUT /api/v1/work-samples/:sampleID for the
// applicant: new text, classified again, any override removed.
func handleWorkSampleReplace(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		var req workSampleRequest
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		w, err := cw.ReviseWorkSample(c.Request().Context(), actorFrom(c), c.Param("sampleID"), req.Title, req.Description)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newWorkSampleResponse(w))
	}
}

// handleWorkSampleDelete serves DELETE /api/v1/work-samples/:sampleID for
// the applicant.
func handleWorkSampleDelete(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := cw.DeleteWorkSample(c.Request().Context(), actorFrom(c), c.Param("sampleID")); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// handleOverrideSet serves PUT /api/v1/work-samples/:sampleID/override for
// the case's advisor and admin.
func handleOverrideSet(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		Label  string `json:"label" validate:"required,oneof=technology_management engineering_management hybrid insufficient_evidence"`
		Reason string `json:"reason" validate:"required,notblank,max=2000" text:"multiline"`
	}
	return func(c echo.Context) error {
		var req request
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		w, err := cw.OverrideLabel(c.Request().Context(), actorFrom(c), c.Param("sampleID"), advising.Label(req.Label), req.Reason)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newWorkSampleResponse(w))
	}
}

// handleOverrideRemove serves DELETE /api/v1/work-samples/:sampleID/override
// for the case's advisor and admin.
func handleOverrideRemove(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := cw.RemoveOverride(c.Request().Context(), actorFrom(c), c.Param("sampleID")); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

type reclassifyResponse struct {
	ClassifierVersion string         `json:"classifier_version"`
	Samples           int            `json:"samples"`
	Changed           int            `json:"changed"`
	Changes           map[string]int `json:"changes"`
	SampleIDs         []string       `json:"sample_ids"`
	Restamped         int            `json:"restamped"`
}

// handleReclassify serves POST /api/v1/admin/reclassify for admin: the
// current classifier runs again over every work sample; with
// ?dry_run=true it only reports what would change. It takes no body.
func handleReclassify(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		dryRun, err := queryBool(c, "dry_run")
		if err != nil {
			return err
		}
		r, err := cw.Reclassify(c.Request().Context(), actorFrom(c), dryRun)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, reclassifyResponse{ClassifierVersion: r.ClassifierVersion, Samples: r.Samples,
			Changed: r.Changed, Changes: r.Changes, SampleIDs: r.SampleIDs, Restamped: r.Restamped})
	}
}

// maxUpload is the largest whole multipart work-sample request, 10 MiB.
const maxUpload = 10 << 20

func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	return err == nil && mt == echo.MIMEMultipartForm
}

// readUpload reads a multipart work-sample upload: a title field and a file
// part. The whole request may be at most 10 MiB (413). The file's declared
// type is not trusted or needed: casework recognises the format from the
// bytes. A missing title or file is 422.
func readUpload(c echo.Context) (casework.NewWorkSample, error) {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return casework.NewWorkSample{}, badRequest("the multipart body could not be read")
	}
	var (
		title  *string
		upload *casework.Upload
	)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return casework.NewWorkSample{}, uploadReadError(err)
		}
		b, err := io.ReadAll(part)
		_ = part.Close()
		if err != nil {
			return casework.NewWorkSample{}, uploadReadError(err)
		}
		switch part.FormName() {
		case "title":
			if title == nil {
				s := string(b)
				title = &s
			}
		case "file":
			if upload == nil {
				upload = &casework.Upload{Filename: part.FileName(), Content: b}
			}
		}
	}
	var v advising.Validator
	v.Check(title != nil, "title", "is required")
	v.Check(title == nil || utf8.ValidString(*title), "title", "must be UTF-8 text")
	v.Check(title == nil || !advising.ControlCharacter(*title, false), "title", advising.ControlMessage(false))
	v.Check(upload != nil, "file", "is required")
	if err := v.Err(); err != nil {
		return casework.NewWorkSample{}, err
	}
	return casework.NewWorkSample{Title: *title, Upload: upload}, nil
}

// uploadReadError keeps "too large" (ours or the BodyLimit middleware's)
// and turns any other read failure into a 400.
func uploadReadError(err error) error {
	var mbe *http.MaxBytesError
	var he *echo.HTTPError
	if errors.As(err, &mbe) || (errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge) {
		return &advising.Error{Code: advising.CodeTooLarge, Detail: "uploads may be at most 10 MiB; save a smaller file (for example without pictures) and try again", Err: err}
	}
	return &advising.Error{Code: advising.CodeBadRequest, Detail: "the multipart body could not be read", Err: err}
}

// handleWorkSampleFile serves GET /api/v1/work-samples/:sampleID/file for
// the applicant, their assigned advisor and admin: the uploaded file as it
// was sent, as an attachment so a browser never renders it in our origin.
func handleWorkSampleFile(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		w, f, err := cw.WorkSampleFile(c.Request().Context(), actorFrom(c), c.Param("sampleID"))
		if err != nil {
			return err
		}
		name := "upload"
		if w.Filename != nil {
			name = *w.Filename
		}
		h := c.Response().Header()
		h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		h.Set(echo.HeaderXContentTypeOptions, "nosniff")
		h.Set("Content-Security-Policy", "sandbox")
		h.Set(echo.HeaderCacheControl, "private, no-store")
		return c.Blob(http.StatusOK, f.ContentType, f.Content)
	}
}
