// Package documents turns an uploaded work-sample file into text: plain
// text and Markdown, PDF, Word (.docx) and OpenDocument text (.odt). The
// kind is recognised from the bytes, never from the name or the declared
// type, so an .exe renamed .pdf is refused. Every reader is bounded: zip
// archives by entry count and inflated size, PDF by running the parser in a
// short-lived child process with a deadline and a memory watchdog (see
// worker.go). Refusals are *advising.Error values whose sentence tells the
// applicant what to do. It imports advising and the PDF parser only.
package documents

import (
	"bytes"
	"context"
	"strings"

	"advising/internal/advising"
)

// Kind is a recognised file format.
type Kind string

// The formats an upload may have.
const (
	KindText     Kind = "text"
	KindMarkdown Kind = "markdown"
	KindPDF      Kind = "pdf"
	KindDOCX     Kind = "docx"
	KindODT      Kind = "odt"
)

// contentTypes are the media types a kept file is served with.
var contentTypes = map[Kind]string{
	KindText:     "text/plain; charset=utf-8",
	KindMarkdown: "text/markdown; charset=utf-8",
	KindPDF:      "application/pdf",
	KindDOCX:     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	KindODT:      "application/vnd.oasis.opendocument.text",
}

// ContentType is the media type a file of kind k is served with.
func (k Kind) ContentType() string { return contentTypes[k] }

// Document is an uploaded file read as text.
type Document struct {
	Kind Kind
	// Text is the document's text in reading order: paragraphs separated
	// by a blank line, list items as "- " lines, no headers, footers or
	// page numbers where they could be told apart.
	Text string
}

// The limits every reader keeps to, whatever a file claims about itself.
const (
	// MaxFileSize is the largest file Read looks at; the upload limit of
	// the whole request (10 MiB) keeps real files below it.
	MaxFileSize = 10 << 20
	// maxInflated caps the bytes inflated from one archive member or PDF
	// stream, and maxInflatedTotal those of a whole file: far more than any
	// 20,000-character document needs, far less than a zip bomb wants.
	maxInflated      = 16 << 20
	maxInflatedTotal = 32 << 20
	// maxZipEntries caps an archive's members; a real .docx has a few dozen.
	maxZipEntries = 2000
	// maxTextBytes stops a reader once it has far more text than a work
	// sample may hold (20,000 characters), so the caller can refuse it.
	maxTextBytes = 256 << 10
)

// What each refusal says, as a predicate of "The file": the field message
// is the predicate, the problem's detail the whole sentence. Each names the
// fix, never a media type.
const (
	msgUnknown = "is not a PDF, Word (.docx), OpenDocument (.odt) or plain text document. " +
		"Save your work in one of those formats, or paste its text into the description"
	msgOldWord = "looks like an older Word file (.doc) or a password-protected document. " +
		"Save it as .docx, .odt or PDF without a password and upload it again"
	msgDamaged = "seems to be damaged and could not be read. " +
		"Open it in the program that made it, save or export it again, and upload the new copy"
	msgEncrypted = "is protected by a password or restrictions. " +
		"Save an unprotected copy (for example with Print to PDF) and upload that"
	msgScanned = "has no text we can read; it looks like a scan or a picture of the page. " +
		"Export the PDF from the program you wrote it in, or paste the text into the description"
	msgTooBig = "unpacks to far more than a work sample can hold, so it was not read. " +
		"Save the part that describes your work as a document of its own and upload that"
	msgTooLong = "holds more text than a work sample may (20,000 characters). " +
		"Upload only the part that describes your work"
	msgNotUTF8 = "is not UTF-8 text. Save it again as UTF-8 (most editors offer this when saving) and upload it again"
)

// unsupported is a 415: the bytes are no format we read.
func unsupported(msg string) error {
	return &advising.Error{Code: advising.CodeUnsupportedMedia, Detail: "The file " + msg + ".",
		Fields: []advising.FieldError{{Field: "file", Message: msg}}}
}

// unreadable is a 422 on the file field: the format is ours but this file
// cannot be read as it is.
func unreadable(msg string, cause error) error {
	return &advising.Error{Code: advising.CodeInvalid, Detail: "The file " + msg + ".",
		Fields: []advising.FieldError{{Field: "file", Message: msg}}, Err: cause}
}

// Sniff names the format of b from its content alone, or returns "" for
// anything Read refuses outright. filename only tells Markdown from plain
// text, which no byte can.
func Sniff(b []byte, filename string) Kind {
	switch {
	case isPDF(b):
		return KindPDF
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return zipKind(b)
	case isText(b):
		lower := strings.ToLower(filename)
		if strings.HasSuffix(lower, ".md") || strings.HasSuffix(lower, ".markdown") {
			return KindMarkdown
		}
		return KindText
	}
	return ""
}

// isPDF reports whether b starts like a PDF: the header may follow up to a
// kilobyte of junk, as readers allow.
func isPDF(b []byte) bool {
	head := b[:min(len(b), 1024)]
	return bytes.Contains(head, []byte("%PDF-"))
}

// Read recognises b by its content and returns its text. filename is the
// name the applicant gave (for Markdown versus plain text only). A format
// we do not read is CodeUnsupportedMedia; a file of our formats that cannot
// be read (damaged, encrypted, scanned, a zip bomb, too much text, not
// UTF-8) is CodeInvalid on the field "file". ctx bounds the PDF reader.
func Read(ctx context.Context, b []byte, filename string) (Document, error) {
	if len(b) > MaxFileSize {
		return Document{}, &advising.Error{Code: advising.CodeTooLarge, Detail: "uploads may be at most 10 MiB"}
	}
	if bytes.HasPrefix(b, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) { // OLE compound file: .doc, or encrypted OOXML
		return Document{}, unsupported(msgOldWord)
	}
	kind := Sniff(b, filename)
	var (
		text string
		err  error
	)
	switch kind {
	case KindText, KindMarkdown:
		text, err = plainText(b)
	case KindPDF:
		text, err = pdfText(ctx, b)
	case KindDOCX:
		text, err = docxText(b)
	case KindODT:
		text, err = odtText(b)
	default:
		if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
			if _, zerr := openZip(b); zerr != nil {
				return Document{}, zerr
			}
		}
		return Document{}, unsupported(msgUnknown)
	}
	if err != nil {
		return Document{}, err
	}
	if len(text) > maxTextBytes || len([]rune(text)) > advising.MaxDescriptionLen {
		return Document{}, unreadable(msgTooLong, nil)
	}
	return Document{Kind: kind, Text: text}, nil
}
