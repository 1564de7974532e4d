package documents

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// errTooBig marks an archive member (or PDF stream) that inflates past the
// limits: a zip bomb, or a document far beyond a work sample.
var errTooBig = errors.New("inflates past the limit")

// archive is an opened .docx or .odt with a budget for inflating members.
type archive struct {
	zr     *zip.Reader
	budget int64 // bytes still allowed to inflate
}

// openZip opens b as a zip archive with at most maxZipEntries members. A
// file that is no readable zip is damaged (it started like one).
func openZip(b []byte) (*archive, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, unreadable(msgDamaged, fmt.Errorf("open zip: %w", err))
	}
	if len(zr.File) > maxZipEntries {
		return nil, unreadable(msgTooBig, fmt.Errorf("zip has %d entries", len(zr.File)))
	}
	return &archive{zr: zr, budget: maxInflatedTotal}, nil
}

// zipKind tells a .docx from an .odt by the members that define each
// format, or returns "" for any other zip (a spreadsheet, a jar).
func zipKind(b []byte) Kind {
	a, err := openZip(b)
	if err != nil {
		return ""
	}
	if f := a.member("mimetype"); f != nil {
		m, err := a.read(f, 256)
		if err == nil && strings.TrimSpace(string(m)) == "application/vnd.oasis.opendocument.text" {
			return KindODT
		}
		return ""
	}
	if a.member("[Content_Types].xml") != nil && a.member("word/document.xml") != nil {
		return KindDOCX
	}
	return ""
}

// member returns the archive member called name, or nil.
func (a *archive) member(name string) *zip.File {
	for _, f := range a.zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// open returns a reader over a member that fails with errTooBig once the
// member inflates past limit or past the archive's remaining budget. The
// sizes a zip declares are not trusted: only inflated bytes are counted.
func (a *archive) open(f *zip.File, limit int64) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return &cappedReader{rc: rc, left: min(limit, a.budget), budget: &a.budget}, nil
}

// read inflates a whole small member.
func (a *archive) read(f *zip.File, limit int64) ([]byte, error) {
	rc, err := a.open(f, limit)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// cappedReader counts inflated bytes against a member limit and the
// archive's budget.
type cappedReader struct {
	rc     io.ReadCloser
	left   int64
	budget *int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errTooBig
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	*c.budget -= int64(n)
	return n, err
}

func (c *cappedReader) Close() error { return c.rc.Close() }

// readXML inflates one member and walks its elements with visit, mapping
// failures to what the applicant should do.
func (a *archive) readXML(name string, visit func(d *xml.Decoder) error) error {
	f := a.member(name)
	if f == nil {
		return unreadable(msgDamaged, fmt.Errorf("no %s", name))
	}
	rc, err := a.open(f, maxInflated)
	if err != nil {
		return unreadable(msgDamaged, fmt.Errorf("open %s: %w", name, err))
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.Strict = true
	if err := visit(d); err != nil {
		if errors.Is(err, errTooBig) {
			return unreadable(msgTooBig, fmt.Errorf("read %s: %w", name, err))
		}
		return unreadable(msgDamaged, fmt.Errorf("read %s: %w", name, err))
	}
	return nil
}
