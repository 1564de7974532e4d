package casework

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"advising/internal/advising"
)

// uploadTypes are the declared types accepted for a work-sample file. A file
// declared as generic bytes, or with no type, is judged by its content alone.
var uploadTypes = map[string]bool{
	"text/plain": true, "text/markdown": true, "text/x-markdown": true,
	"application/octet-stream": true, "": true,
}

// UploadText checks that an uploaded work-sample file is plain text or
// Markdown and returns its text; the API and the web pages both use it.
// declared (the part's Content-Type) is only a claim: the content is sniffed
// too, so a PDF or an image sent as text/plain is refused. Another declared
// type or binary content is CodeUnsupportedMedia; text that is not UTF-8 is
// CodeInvalid on the field "file".
func UploadText(b []byte, declared string) (string, error) {
	mt := ""
	if declared != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(declared); err != nil {
			mt = strings.ToLower(strings.TrimSpace(declared))
		}
	}
	if !uploadTypes[mt] {
		return "", advising.Errorf(advising.CodeUnsupportedMedia, "the file must be plain text or Markdown (.txt or .md), not %s", mt)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark is not content
	if sniffed := http.DetectContentType(b); !strings.HasPrefix(sniffed, "text/") || hasBinaryBytes(b) {
		return "", advising.Errorf(advising.CodeUnsupportedMedia, "the file is not plain text; save it as .txt or .md")
	}
	if !utf8.Valid(b) {
		return "", advising.Invalid(advising.FieldError{Field: "file", Message: "must be UTF-8 text"})
	}
	return string(b), nil
}

// hasBinaryBytes reports whether b holds a byte that never appears in text:
// the control bytes the WHATWG sniffing standard calls binary (NUL and the
// rest, but not tab, line feed, form feed, carriage return or escape).
func hasBinaryBytes(b []byte) bool {
	for _, c := range b {
		if c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1A) || (c >= 0x1C && c <= 0x1F) || c == 0x7F {
			return true
		}
	}
	return false
}
