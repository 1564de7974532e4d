package documents

import (
	"bytes"
	"net/http"
	"strings"
	"unicode/utf8"
)

// isText reports whether b sniffs as text: no byte that never appears in
// text (the WHATWG sniffing standard's binary bytes) and a text type from
// the standard sniffer, after any UTF-8 byte order mark.
func isText(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(b) == 0 {
		return true // empty: refused later as a blank description
	}
	return strings.HasPrefix(http.DetectContentType(b), "text/") && !hasBinaryBytes(b)
}

// hasBinaryBytes reports whether b holds a control byte other than tab,
// line feed, form feed, carriage return or escape.
func hasBinaryBytes(b []byte) bool {
	for _, c := range b {
		if c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1A) || (c >= 0x1C && c <= 0x1F) || c == 0x7F {
			return true
		}
	}
	return false
}

// plainText returns a text file's content without its byte order mark;
// text that is not UTF-8 is refused with how to fix it.
func plainText(b []byte) (string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a byte order mark is not content
	if !utf8.Valid(b) {
		return "", unreadable(msgNotUTF8, nil)
	}
	return string(b), nil
}

// textBuilder collects a document's paragraphs and list items and stops
// growing past maxTextBytes, so a huge document costs bounded memory; Read
// then refuses the result as too long.
type textBuilder struct {
	b    strings.Builder
	full bool
}

// paragraph adds one paragraph (or, with item, one list item).
func (t *textBuilder) paragraph(s string, item bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || t.full {
		return
	}
	if t.b.Len() > 0 {
		if item && t.lastItem() {
			t.b.WriteString("\n")
		} else {
			t.b.WriteString("\n\n")
		}
	}
	if item {
		t.b.WriteString("- ")
	}
	t.b.WriteString(s)
	t.full = t.b.Len() > maxTextBytes
}

// lastItem reports whether the text so far ends with a list item.
func (t *textBuilder) lastItem() bool {
	s := t.b.String()
	i := strings.LastIndexByte(s, '\n')
	return strings.HasPrefix(s[i+1:], "- ")
}

func (t *textBuilder) String() string { return t.b.String() }
