package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
)

// pageTemplate is one page parsed together with the shared layout.
type pageTemplate struct{ t *template.Template }

// parsePages parses every page under templates/ with the layout and the
// shared partials. A template error is a programming error, caught by any
// test that builds the site.
func parsePages(loc *time.Location) map[string]*pageTemplate {
	fm := templateFuncs(loc)
	shared := []string{"templates/layout.html", "templates/partials.html"}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := make(map[string]*pageTemplate)
	for _, n := range names {
		if n == shared[0] || n == shared[1] {
			continue
		}
		t := template.Must(template.New(path.Base(n)).Funcs(fm).ParseFS(templateFS, append(shared, n)...))
		pages[strings.TrimSuffix(path.Base(n), ".html")] = &pageTemplate{t: t}
	}
	return pages
}

// view is what every page template receives.
type view struct {
	Title  string
	Actor  advising.Actor
	CSRF   string
	Notice string
	// NoticeAt is the section that shows the notice (its id), when the
	// page opens at that section; "" shows it at the top.
	NoticeAt string
	Path     string
	Data     any
}

// noticeAnchor is what a section id given as ?at= may look like.
var noticeAnchor = regexp.MustCompile(`^[a-z0-9-]{1,80}$`)

// render executes a page into a buffer first, so a template failure becomes
// an error page instead of half a page.
func (s *site) render(c echo.Context, status int, page, title string, data any) error {
	p, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("render: no page %q", page)
	}
	v := view{Title: title, Actor: actorFrom(c), Data: data, Path: c.Request().URL.Path,
		Notice: notices[c.QueryParam("done")]}
	if at := c.QueryParam("at"); v.Notice != "" && noticeAnchor.MatchString(at) {
		v.NoticeAt = at
	}
	v.CSRF, _ = c.Get(csrfKey).(string)
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	// Pages carry personal data: never cache them anywhere.
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// redirect answers a form post with 303 See Other, so reloading the next
// page does not post the form again.
func redirect(c echo.Context, to string) error { return c.Redirect(http.StatusSeeOther, to) }

// form carries what a user typed and the problems found in it, so a form
// can be shown again with each error as a sentence next to its field.
type form struct {
	Values  map[string]string
	Errors  map[string]string
	Summary string
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// Get returns the value typed into a field.
func (f *form) Get(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// Err returns the sentence for a field's problem, or "".
func (f *form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// HasErrors reports whether any problem was recorded.
func (f *form) HasErrors() bool { return f != nil && (len(f.Errors) > 0 || f.Summary != "") }

// fail records err on the form: field problems go next to their fields,
// anything else into the summary. It reports whether err is a problem the
// person can correct (invalid, conflict, rate limited, too large, wrong
// file type, refused sign-in); other errors are left for the error page.
func (f *form) fail(err error) bool {
	var ae *advising.Error
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Code {
	case advising.CodeInvalid, advising.CodeConflict, advising.CodeRateLimited, advising.CodeUnauthenticated,
		advising.CodeUnsupportedMedia, advising.CodeTooLarge, advising.CodeBadRequest, advising.CodePreconditionFailed:
	default:
		return false
	}
	for _, fe := range ae.Fields {
		name := indexed.ReplaceAllString(fe.Field, "") // responsibilities[2] is the responsibilities box
		if _, seen := f.Errors[name]; !seen {
			f.Errors[name] = fieldSentence(fe)
		}
	}
	if len(ae.Fields) == 0 {
		f.Summary = sentence(ae.Detail)
	}
	return true
}

// statusFor is the status a form shown again with errors is sent with,
// from advising's one code table; it also sets any Retry-After.
func statusFor(c echo.Context, err error) int {
	if ae := advising.Explain(err); ae != nil {
		setRetryAfter(c, ae)
		return ae.Code.HTTPStatus()
	}
	return http.StatusUnprocessableEntity
}

// setRetryAfter tells a rate-limited client how many seconds to wait, as
// every 429 must, and an unavailable service's client when to try again.
func setRetryAfter(c echo.Context, ae *advising.Error) {
	if n := ae.RetryAfterSeconds(); n > 0 {
		c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(n))
	}
}

// sentence turns a detail such as "the email or password is incorrect" into
// "The email or password is incorrect.", with any code of the domain in
// words.
func sentence(s string) string {
	s = plainWords(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// fieldSentence turns {field: "full_name", message: "is required"} into
// "Full name is required."
func fieldSentence(fe advising.FieldError) string {
	return sentence(fieldLabel(fe.Field) + " " + fe.Message)
}

// fieldNames are the words for fields whose JSON name reads badly.
var fieldNames = map[string]string{
	"years_experience":  "Years of experience",
	"file":              "The file",
	"q":                 "The search",
	"next_follow_up_at": "The follow-up date",
}

// fieldLabel names a field in words: responsibilities[2] is "Responsibilities,
// line 3"; self_assessment.communication is "Communication".
var indexed = regexp.MustCompile(`\[([0-9]+)\]$`)

func fieldLabel(field string) string {
	if m := indexed.FindStringSubmatchIndex(field); m != nil {
		n, _ := strconv.Atoi(field[m[2]:m[3]])
		return fieldLabel(field[:m[0]]) + ", line " + strconv.Itoa(n+1)
	}
	if i := strings.LastIndex(field, "."); i >= 0 {
		field = field[i+1:]
	}
	if w, ok := fieldNames[field]; ok {
		return w
	}
	return humanize(field)
}

// humanize turns a snake_case value into words: "health_technology" is
// "Health technology".
func humanize(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// funcs are the template helpers: words for the domain's codes, dates.
var funcs = template.FuncMap{
	"statusText":      func(s advising.Status) string { return statusWords[s] },
	"flagName":        func(f advising.Flag) string { return flagNames[f] },
	"flagText":        func(f advising.Flag) string { return flagSentences[f] },
	"labelText":       func(l advising.Label) string { return labelWords[l] },
	"pathwayText":     func(p advising.Pathway) string { return pathwayWords[p] },
	"humanize":        humanize,
	"deref":           func(s *string) string { return derefString(s) },
	"derefInt":        func(n *int) string { return derefInt(n) },
	"isOffice":        func(a advising.Actor) bool { return a.Role == advising.RoleAdvisor || a.Role == advising.RoleAdmin },
	"isAdmin":         func(a advising.Actor) bool { return a.Role == advising.RoleAdmin },
	"isApplicant":     func(a advising.Actor) bool { return a.Role == advising.RoleApplicant },
	"current":         currentPage,
	"statuses":        func() []advising.Status { return advising.Statuses },
	"flags":           func() []advising.Flag { return advising.Flags },
	"labels":          func() []advising.Label { return allLabels },
	"pathways":        func() []advising.Pathway { return recommendPathways },
	"seq":             func(from, to int) []int { return seq(from, to) },
	"plural":          plural,
	"describedBy":     describedBy,
	"sectors":         func() []string { return advising.Sectors },
	"studyModes":      func() []string { return advising.StudyModes },
	"programmes":      func() []string { return advising.ProgrammeInterests },
	"canRecommend":    advising.CanRecommend,
	"nextStatuses":    nextStatuses,
	"stringsContains": func(list []string, s string) bool { return contains(list, s) },
	"dict":            dict,
	"selfAssessed":    func() []struct{ Name, Label string } { return selfAssessed },
	"viewURL":         viewURL,
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(n *int) string {
	if n == nil {
		return ""
	}
	return fmt.Sprint(*n)
}

// templateFuncs are funcs plus the helpers that show times, in the
// office's time zone loc: the API answers in UTC, people read local time.
func templateFuncs(loc *time.Location) template.FuncMap {
	fm := make(template.FuncMap, len(funcs)+4)
	for k, v := range funcs {
		fm[k] = v
	}
	fm["date"] = func(t any) string { return formatDate(t, loc) }
	fm["dateTime"] = func(t any) string { return formatDateTime(t, loc) }
	fm["isoDate"] = func(t *time.Time) string { return isoDate(t, loc) }
	fm["zoneName"] = func() string { return loc.String() }
	return fm
}

// timeOf reads a time or a time pointer; ok is false for nil or zero.
func timeOf(t any) (time.Time, bool) {
	switch v := t.(type) {
	case time.Time:
		return v, !v.IsZero()
	case *time.Time:
		if v != nil && !v.IsZero() {
			return *v, true
		}
	}
	return time.Time{}, false
}

func formatDate(t any, loc *time.Location) string {
	v, ok := timeOf(t)
	if !ok {
		return ""
	}
	return v.In(loc).Format("2 Jan 2006")
}

// formatDateTime shows a date and time with the zone's abbreviation, such
// as "2 Dec 2026, 09:30 HKT".
func formatDateTime(t any, loc *time.Location) string {
	v, ok := timeOf(t)
	if !ok {
		return ""
	}
	return v.In(loc).Format("2 Jan 2006, 15:04 MST")
}

func isoDate(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(time.DateOnly)
}

// currentPage returns "page" when the navigation link href is the section
// being shown, for aria-current.
func currentPage(path, href string) string {
	if path == href || (href != "/" && strings.HasPrefix(path, href+"/")) {
		return "page"
	}
	return ""
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// describedBy gives an input's aria-describedby: its hint, then its error.
func describedBy(f *form, name string, hint any) string {
	var ids []string
	if h, _ := hint.(string); h != "" {
		ids = append(ids, name+"-hint")
	}
	if f.Err(name) != "" {
		ids = append(ids, name+"-error")
	}
	return strings.Join(ids, " ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// nextStatuses lists where a status change may move a case from s.
func nextStatuses(s advising.Status) []advising.Status {
	var out []advising.Status
	for _, to := range advising.Statuses {
		if advising.CanTransition(s, to) {
			out = append(out, to)
		}
	}
	return out
}

// dict builds the argument map of a partial template from key, value pairs.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}
