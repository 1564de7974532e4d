package documents

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"advising/internal/advising"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// TestReadRealDocuments: files made by LibreOffice and pdfTeX (testdata/
// make.sh) come back as their text in reading order, with paragraphs and
// list items kept and running headers, footers and page numbers gone.
func TestReadRealDocuments(t *testing.T) {
	t.Parallel()
	roadmap := []string{
		"Three-year cloud data roadmap for an insurer\n\nI led the three-year technology roadmap",
		"rank the capabilities we needed.\n\nMy part of the work:\n\n- wrote the business case that the executive committee approved;\n" +
			"- ran the vendor evaluation of three data platforms with IT and procurement;\n- set up the quarterly governance review",
		"by each business unit.\n\nThe roadmap is reviewed every quarter",
	}
	review := []string{
		"Design review records for a baggage hall extension\n\nAs engineering lead",
		"the fire engineer and airport operations.", // a line break inside a paragraph is a space
		"What I was accountable for:\n\n- the design review records and the action log for each review;\n- the test plan",
		"agreed with airport operations before it went ahead", // "op-" + "erations" rejoined
		"against the delivery milestones",
		"with owners for each risk.\n\nAt handover I ran the operational readiness review", // across the page break
	}
	tests := []struct {
		file    string
		kind    Kind
		want    []string
		notWant []string
	}{
		{"roadmap.odt", KindODT, roadmap, []string{"Northwind", "Page"}},
		{"roadmap.docx", KindDOCX, roadmap, []string{"Northwind", "Page", "- Three-year"}},
		{"roadmap.pdf", KindPDF, roadmap, []string{"Northwind", "Page"}},
		{"review.pdf", KindPDF, review, []string{"\n1\n", "\n\n2", "Ω", "op- erations"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			d, err := Read(context.Background(), readFixture(t, tt.file), tt.file)
			if err != nil {
				t.Fatalf("Read(%s) = %v; want its text", tt.file, err)
			}
			if d.Kind != tt.kind {
				t.Errorf("Read(%s).Kind = %q; want %q", tt.file, d.Kind, tt.kind)
			}
			for _, w := range tt.want {
				if !strings.Contains(d.Text, w) {
					t.Errorf("Read(%s) text:\n%s\nwant it to contain %q", tt.file, d.Text, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(d.Text, w) {
					t.Errorf("Read(%s) text:\n%s\nwant no %q", tt.file, d.Text, w)
				}
			}
		})
	}
}

// TestReadPlainText: text and Markdown by content; the name tells only
// which of the two.
func TestReadPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		b          []byte
		kind       Kind
		text       string
	}{
		{"text", "notes.txt", []byte("I led the roadmap."), KindText, "I led the roadmap."},
		{"markdown", "notes.md", []byte("# Roadmap\nI led it."), KindMarkdown, "# Roadmap\nI led it."},
		{"byte order mark", "notes.txt", []byte("\xef\xbb\xbfI led it."), KindText, "I led it."},
		{"text named .pdf", "notes.pdf", []byte("I led the roadmap."), KindText, "I led the roadmap."},
	}
	for _, tt := range tests {
		d, err := Read(context.Background(), tt.b, tt.file)
		if err != nil || d.Kind != tt.kind || d.Text != tt.text {
			t.Errorf("Read(%s %q) = %q %q, %v; want %q %q", tt.name, tt.b, d.Kind, d.Text, err, tt.kind, tt.text)
		}
	}
}

// zipOf builds an archive with Go's zip writer: for hostile files only.
func zipOf(t *testing.T, files ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if f.repeat > 0 {
			if _, err := w.Write([]byte(f.head)); err != nil {
				t.Fatal(err)
			}
			chunk := bytes.Repeat([]byte(f.body), 1<<16/len(f.body)+1)
			for n := 0; n < f.repeat; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zipEntry struct {
	name, head, body string
	repeat           int // write body over and over, to about this many bytes
}

const docxHead = `<?xml version="1.0"?><w:document xmlns:w="` + nsWord + `"><w:body>`

// pdfOf builds a PDF from object bodies, numbered from 1, with a correct
// cross-reference table; object 1 must be the catalog.
func pdfOf(objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

func flateStream(t *testing.T, data []byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", buf.Len(), buf.String())
}

// TestReadRefusals: every file we cannot use is refused with a sentence
// that says what to do, within bounded time and memory: scans, encrypted,
// damaged and disguised files, zip bombs, cyclic PDFs and PDF bombs.
func TestReadRefusals(t *testing.T) {
	t.Parallel()
	bigText := strings.Repeat("I planned the release. ", 1000) // over 20,000 characters
	font := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
	tests := []struct {
		name string
		file string
		b    []byte
		code advising.Code
		msg  string // a word of the sentence
	}{
		{"scanned PDF", "scan.pdf", readFixture(t, "scanned.pdf"), advising.CodeInvalid, "scan"},
		{"password-protected PDF", "locked.pdf", readFixture(t, "encrypted.pdf"), advising.CodeInvalid, "password"},
		{"truncated PDF", "cut.pdf", readFixture(t, "damaged.pdf"), advising.CodeInvalid, "damaged"},
		{"truncated .docx", "cut.docx", readFixture(t, "damaged.docx"), advising.CodeInvalid, "damaged"},
		{"program renamed .pdf", "plan.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 512)...), advising.CodeUnsupportedMedia, "PDF, Word"},
		{"ELF program", "plan.docx", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 512)...), advising.CodeUnsupportedMedia, "PDF, Word"},
		{"PNG picture", "plan.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), advising.CodeUnsupportedMedia, "PDF, Word"},
		{"old Word .doc", "plan.doc", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 512)...), advising.CodeUnsupportedMedia, ".docx"},
		{"spreadsheet", "plan.xlsx", zipOf(t, zipEntry{name: "[Content_Types].xml", body: "<Types/>"}, zipEntry{name: "xl/workbook.xml", body: "<workbook/>"}),
			advising.CodeUnsupportedMedia, "PDF, Word"},
		{"not UTF-8 text", "latin1.txt", []byte("Caf\xe9 roadmap for the r\xe9gion"), advising.CodeInvalid, "UTF-8"},
		{"unclosed XML in .docx", "cut.docx", zipOf(t, zipEntry{name: "[Content_Types].xml", body: "<Types/>"},
			zipEntry{name: "word/document.xml", body: docxHead + "<w:p><w:r><w:t>" + strings.Repeat(" ", 1<<16)}),
			advising.CodeInvalid, "damaged"},
		{"zip bomb in .docx", "bomb.docx", zipOf(t, zipEntry{name: "[Content_Types].xml", body: "<Types/>"},
			zipEntry{name: "word/document.xml", head: docxHead + "<w:p><w:r><w:t>", body: "<!-- -->", repeat: maxInflated + 1<<20}),
			advising.CodeInvalid, "unpacks"},
		{"zip bomb in .odt", "bomb.odt", zipOf(t, zipEntry{name: "mimetype", body: "application/vnd.oasis.opendocument.text"},
			zipEntry{name: "content.xml", head: `<office:document-content xmlns:office="` + nsODFOffic + `">`, body: "<!-- -->", repeat: maxInflated + 1<<20}),
			advising.CodeInvalid, "unpacks"},
		{"too many entries", "many.odt", func() []byte {
			files := []zipEntry{{name: "mimetype", body: "application/vnd.oasis.opendocument.text"}}
			for i := 0; i <= maxZipEntries; i++ {
				files = append(files, zipEntry{name: fmt.Sprintf("f%d", i), body: "x"})
			}
			return zipOf(t, files...)
		}(), advising.CodeInvalid, "unpacks"},
		{"password-protected .odt", "locked.odt", zipOf(t, zipEntry{name: "mimetype", body: "application/vnd.oasis.opendocument.text"},
			zipEntry{name: "META-INF/manifest.xml", body: `<manifest:manifest><manifest:file-entry><manifest:encryption-data/></manifest:file-entry></manifest:manifest>`},
			zipEntry{name: "content.xml", body: "\x8f\x12binary"}), advising.CodeInvalid, "password"},
		{"too much text in .docx", "long.docx", zipOf(t, zipEntry{name: "[Content_Types].xml", body: "<Types/>"},
			zipEntry{name: "word/document.xml", body: docxHead + "<w:p><w:r><w:t>" + bigText + "</w:t></w:r></w:p></w:body></w:document>"}),
			advising.CodeInvalid, "20,000"},
		{"cyclic PDF page tree", "loop.pdf", pdfOf("<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"), advising.CodeInvalid, "damaged"},
		{"cyclic PDF parents", "loop.pdf", pdfOf("<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 4 0 R >>",
			"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
			"<< /Type /Pages /Kids [] /Count 0 /Parent 2 0 R >>",
			flateStream(t, []byte("BT /F1 12 Tf 72 700 Td (Hello there, reader) Tj ET"))), advising.CodeInvalid, "damaged"},
		{"PDF content bomb", "bomb.pdf", pdfOf("<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
			font, flateStream(t, bytes.Repeat([]byte(" "), maxInflatedTotal+1))), advising.CodeInvalid, "unpacks"},
		{"PDF without pages", "empty.pdf", pdfOf("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"),
			advising.CodeInvalid, "scan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := Read(context.Background(), tt.b, tt.file)
			var ae *advising.Error
			if !errors.As(err, &ae) || ae.Code != tt.code {
				t.Fatalf("Read(%s) = %q, %v; want a %s error", tt.name, d.Text, err, tt.code)
			}
			if !strings.Contains(ae.Detail, tt.msg) || len(ae.Fields) != 1 || ae.Fields[0].Field != "file" || "The file "+ae.Fields[0].Message+"." != ae.Detail {
				t.Errorf("Read(%s) = %q %+v; want a sentence with %q on the field file", tt.name, ae.Detail, ae.Fields, tt.msg)
			}
			if strings.Contains(ae.Detail, "application/") {
				t.Errorf("Read(%s) detail %q names a media type", tt.name, ae.Detail)
			}
		})
	}
}

// TestReadSmallPDF: a hand-made PDF's text (a content stream with a
// standard font) is read, and a file over the limit is refused.
func TestReadSmallPDF(t *testing.T) {
	t.Parallel()
	b := pdfOf("<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		flateStream(t, []byte("BT /F1 12 Tf 72 700 Td (I wrote the quality plan.) Tj 0 -14 Td (And the test report.) Tj ET")))
	d, err := Read(context.Background(), b, "plan.pdf")
	if err != nil || d.Kind != KindPDF || d.Text != "I wrote the quality plan. And the test report." {
		t.Errorf("Read(small PDF) = %q %q, %v; want the two lines as one paragraph", d.Kind, d.Text, err)
	}
	_, err = Read(context.Background(), make([]byte, MaxFileSize+1), "big.txt")
	if advising.ErrorCode(err) != advising.CodeTooLarge {
		t.Errorf("Read(over 10 MiB) = %v; want too-large", err)
	}
}
