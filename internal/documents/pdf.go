package documents

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Limits of the page tree walk: a crafted tree can be cyclic or endless.
const (
	maxPages      = 1000
	maxPageNodes  = 5000
	maxTreeDepth  = 64
	minTextRunes  = 20 // fewer readable characters than this: a scan
	marginShare   = 0.08
	bulletIndentK = 0.8
)

// extractPDF reads the text of the PDF in b; it runs inside the worker.
// Any panic of the parser is a damaged file.
func extractPDF(b []byte) (res workerResult) {
	defer func() {
		if r := recover(); r != nil {
			res = workerResult{Problem: problemDamaged, Cause: fmt.Sprint(r)}
		}
	}()
	if bytes.HasPrefix(b, []byte("%PDF-2.")) {
		// The parser knows PDF 1.x headers only; 2.0 files it can read
		// otherwise are the same syntax.
		b = slices.Clone(b)
		copy(b[5:8], "1.7")
	}
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	// The parser refuses some encryption schemes as malformed, so the
	// trailer's /Encrypt key is looked for in the bytes too.
	if errors.Is(err, pdf.ErrInvalidPassword) || (err != nil && bytes.Contains(b, []byte("/Encrypt"))) {
		return workerResult{Problem: problemEncrypted, Cause: err.Error()}
	}
	if err != nil {
		return workerResult{Problem: problemDamaged, Cause: err.Error()}
	}
	if r.Trailer().Key("Encrypt").Kind() != pdf.Null {
		return workerResult{Problem: problemEncrypted, Cause: "encrypted"}
	}
	var pages []pdf.Value
	nodes := 0
	if err := walkPageTree(r.Trailer().Key("Root").Key("Pages"), 0, &nodes, &pages); err != nil {
		return workerResult{Problem: problemDamaged, Cause: err.Error()}
	}
	if len(pages) > maxPages {
		return workerResult{Problem: problemTooBig, Cause: fmt.Sprintf("%d pages", len(pages))}
	}
	budget := int64(maxInflatedTotal)
	var (
		all    []pageLines
		failed int
		total  int
	)
	for _, v := range pages {
		pl, err := readPage(v, &budget)
		if errors.Is(err, errTooBig) {
			return workerResult{Problem: problemTooBig, Cause: err.Error()}
		}
		if err != nil {
			failed++
			continue
		}
		all = append(all, pl)
		for _, l := range pl.lines {
			total += len(l.text)
		}
		if total > maxTextBytes {
			break // Read refuses it as too long
		}
	}
	text := joinPages(all)
	if len(text) > maxTextBytes {
		text = truncate(text, maxTextBytes+1)
	}
	readable := 0
	for _, c := range text {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			readable++
		}
	}
	switch {
	case readable >= minTextRunes:
		return workerResult{Text: text}
	case failed > 0:
		return workerResult{Problem: problemDamaged, Cause: fmt.Sprintf("%d of %d pages unreadable", failed, len(pages))}
	default:
		return workerResult{Problem: problemScanned, Cause: fmt.Sprintf("%d readable characters", readable)}
	}
}

// walkPageTree collects the pages under node in order, refusing trees that
// are too deep (a cycle is one) or too large.
func walkPageTree(node pdf.Value, depth int, nodes *int, pages *[]pdf.Value) error {
	*nodes++
	if depth > maxTreeDepth || *nodes > maxPageNodes {
		return errors.New("page tree too deep or too large")
	}
	kids := node.Key("Kids")
	if node.Key("Type").Name() == "Page" || kids.Kind() != pdf.Array {
		if node.Kind() == pdf.Dict {
			*pages = append(*pages, node)
		}
		return nil
	}
	for i := 0; i < kids.Len(); i++ {
		if err := walkPageTree(kids.Index(i), depth+1, nodes, pages); err != nil {
			return err
		}
		if len(*pages) > maxPages {
			return nil
		}
	}
	return nil
}

// line is one line of text on a page.
type line struct {
	text string
	x, y float64 // start of the baseline
	end  float64 // x where the line ends
	size float64 // font size
}

type pageLines struct {
	lines         []line
	bottom, top   float64
	left, right   float64
	hasMediaBoxes bool
}

// readPage lays out one page's characters as lines, top to bottom. Before
// the parser interprets anything, the page's content and font maps are
// inflated once against budget, so a compressed bomb is caught here.
func readPage(v pdf.Value, budget *int64) (pl pageLines, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("page: %v", r)
		}
	}()
	// The parser follows /Parent for inherited keys without a bound.
	p := v
	for i := 0; !p.IsNull(); i++ {
		if i > maxTreeDepth {
			return pl, errors.New("parent chain too long")
		}
		p = p.Key("Parent")
	}
	if err := drain(v.Key("Contents"), budget); err != nil {
		return pl, err
	}
	page := pdf.Page{V: v}
	fonts := page.Resources().Key("Font")
	for _, name := range fonts.Keys() {
		if err := drain(fonts.Key(name).Key("ToUnicode"), budget); err != nil {
			return pl, err
		}
	}
	if mb := inherited(v, "MediaBox"); mb.Kind() == pdf.Array && mb.Len() == 4 {
		pl.left, pl.bottom, pl.right, pl.top = mb.Index(0).Float64(), mb.Index(1).Float64(), mb.Index(2).Float64(), mb.Index(3).Float64()
		pl.hasMediaBoxes = pl.top > pl.bottom
	}
	pl.lines = layout(pageGlyphs(page))
	return pl, nil
}

// inherited looks key up on the page and then its ancestors; readPage has
// checked that the chain ends.
func inherited(v pdf.Value, key string) pdf.Value {
	for i := 0; !v.IsNull() && i <= maxTreeDepth; i++ {
		if x := v.Key(key); !x.IsNull() {
			return x
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// drain inflates a stream (or an array of them) once, counting the bytes
// against budget.
func drain(v pdf.Value, budget *int64) error {
	switch v.Kind() {
	case pdf.Array:
		for i := 0; i < v.Len(); i++ {
			if err := drain(v.Index(i), budget); err != nil {
				return err
			}
		}
	case pdf.Stream:
		rc := v.Reader()
		defer rc.Close()
		n, err := io.Copy(io.Discard, io.LimitReader(rc, *budget+1))
		*budget -= n
		if *budget < 0 {
			return fmt.Errorf("streams: %w", errTooBig)
		}
		if err != nil {
			return fmt.Errorf("stream: %w", err)
		}
	}
	return nil
}

// layout groups characters, in the order the page draws them, into lines:
// a new line starts where the baseline moves by more than a third of the
// font size. Gaps wider than a fifth of the font size become spaces.
func layout(chars []glyph) []line {
	var (
		lines []line
		cur   *line
		sb    strings.Builder
		last  glyph
	)
	flush := func() {
		if cur != nil {
			cur.text = strings.TrimSpace(sb.String())
			if cur.text != "" {
				lines = append(lines, *cur)
			}
		}
		cur = nil
		sb.Reset()
	}
	for _, c := range chars {
		r, _ := utf8.DecodeRuneInString(c.s)
		size := c.size
		if size < 1 {
			size = 1
		}
		if c.s == "" || unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Co, r) {
			// A glyph with no known character: alone at the start of a
			// line it is a list bullet drawn from a symbol font.
			if cur == nil || math.Abs(c.y-cur.y) > size/3 {
				flush()
				cur = &line{x: c.x, y: c.y, size: size}
				sb.WriteString("• ")
				last = c
			}
			continue
		}
		if cur != nil && math.Abs(c.y-cur.y) > size/3 {
			flush()
		}
		if cur == nil {
			cur = &line{x: c.x, y: c.y, size: size}
		} else if gap := c.x - (last.x + last.w); gap > size/5 || gap < -size*2 {
			if !strings.HasSuffix(sb.String(), " ") && c.s != " " {
				sb.WriteByte(' ')
			}
		}
		sb.WriteString(c.s)
		cur.size = math.Max(cur.size, size)
		cur.end = c.x + c.w
		last = c
	}
	flush()
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].y > lines[j].y+lines[i].size/3 })
	return lines
}

var (
	pageNumber = regexp.MustCompile(`^(?i:page\s+)?[-–—\s]*(\d{1,4}|[ivxlc]{1,7})[-–—\s]*((?i:of|/)\s*\d{1,4})?$`)
	listMarker = regexp.MustCompile(`^([•◦▪▫‣∙·●○■□\-–—*]|\d{1,3}[.)]|[a-z][.)]|\(\w{1,3}\))\s*`)
	digits     = regexp.MustCompile(`\d+`)
)

// joinPages drops running headers and footers, then builds paragraphs and
// list items. A header or footer is a line in the top or bottom margin
// band that is a page number, or whose text (digits aside) recurs in that
// band on other pages.
func joinPages(pages []pageLines) string {
	// A running header or footer sits in the page's margin band, or is the
	// first or last line set well apart from the text.
	inMargin := func(p pageLines, i int) bool {
		l := p.lines[i]
		if p.hasMediaBoxes {
			band := (p.top - p.bottom) * marginShare
			if l.y > p.top-band || l.y < p.bottom+band {
				return true
			}
		}
		apart := func(j int) bool { return j >= 0 && j < len(p.lines) && math.Abs(p.lines[j].y-l.y) > 2.5*l.size }
		return len(p.lines) > 1 && ((i == 0 && apart(1)) || (i == len(p.lines)-1 && apart(i-1)))
	}
	recurring := map[string]int{}
	for _, p := range pages {
		seen := map[string]bool{}
		for i, l := range p.lines {
			if k := digits.ReplaceAllString(l.text, "#"); inMargin(p, i) && !seen[k] {
				seen[k] = true
				recurring[k]++
			}
		}
	}
	var out textBuilder
	for _, p := range pages {
		var (
			para   strings.Builder
			item   bool
			prev   *line
			margin = math.Inf(1)
		)
		for _, l := range p.lines {
			margin = math.Min(margin, l.x)
		}
		emit := func() {
			out.paragraph(para.String(), item)
			para.Reset()
			item = false
		}
		for i := range p.lines {
			l := p.lines[i]
			if inMargin(p, i) && (pageNumber.MatchString(l.text) ||
				(len(pages) > 1 && recurring[digits.ReplaceAllString(l.text, "#")] > 1)) {
				continue
			}
			text := l.text
			marker := listMarker.FindString(text)
			startsItem := marker != "" && len(marker) < len(text)
			newPara := prev == nil || startsItem ||
				prev.y-l.y > 1.6*math.Max(prev.size, l.size) || // a blank line's worth of space
				math.Abs(prev.size-l.size) > 0.15*l.size || // a heading and its text
				(!item && l.x-margin > bulletIndentK*l.size && prev.x-margin < bulletIndentK*l.size) // a first-line indent
			if newPara && prev != nil {
				emit()
			}
			if startsItem {
				item = true
				text = strings.TrimSpace(text[len(marker):])
			}
			joinLine(&para, text)
			prev = &p.lines[i]
		}
		emit()
	}
	return out.String()
}

// joinLine appends a line to a paragraph, rejoining a word hyphenated at
// the line's end.
func joinLine(para *strings.Builder, text string) {
	s := para.String()
	if s == "" {
		para.WriteString(text)
		return
	}
	first, _ := utf8.DecodeRuneInString(text)
	if len(s) > 1 && strings.HasSuffix(s, "-") && unicode.IsLetter(rune(s[len(s)-2])) && unicode.IsLower(first) {
		para.Reset()
		para.WriteString(s[:len(s)-1])
		para.WriteString(text)
		return
	}
	para.WriteByte(' ')
	para.WriteString(text)
}

// truncate cuts s to at most n bytes at a character boundary.
func truncate(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
