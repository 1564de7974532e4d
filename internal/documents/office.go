package documents

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// The XML namespaces of the two word-processing formats.
const (
	nsWord     = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsCompat   = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	nsODFText  = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	nsODFOffic = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
)

// docxText reads the body of a Word document (word/document.xml). Headers,
// footers (where page numbers live), footnotes and comments are separate
// parts and are not read; deleted tracked changes and field codes are not
// text; a drawing's fallback copy of a text box is skipped so its text
// appears once.
func docxText(b []byte) (string, error) {
	a, err := openZip(b)
	if err != nil {
		return "", err
	}
	var out textBuilder
	err = a.readXML("word/document.xml", func(d *xml.Decoder) error {
		return walkParagraphs(d, &out, paragraphRules{
			isParagraph: func(n xml.Name) bool { return n.Space == nsWord && n.Local == "p" },
			isText:      func(n xml.Name) bool { return n.Space == nsWord && n.Local == "t" },
			isSpace: func(n xml.Name) bool {
				return n.Space == nsWord && (n.Local == "tab" || n.Local == "br" || n.Local == "cr")
			},
			// A paragraph with numbering properties, or in a list style, is a list item.
			marksItem: func(n xml.Name, attr []xml.Attr) bool {
				if n.Space != nsWord {
					return false
				}
				// numId 0 means "no numbering" (headings carry it).
				if n.Local == "numId" {
					return attrValue(attr, nsWord, "val") != "0"
				}
				return n.Local == "pStyle" && strings.HasPrefix(strings.ToLower(attrValue(attr, nsWord, "val")), "list")
			},
			// Headings carry outline numbering that is not shown as a list.
			marksHeading: func(n xml.Name) bool { return n.Space == nsWord && n.Local == "outlineLvl" },
			skip: func(n xml.Name) bool {
				return (n.Space == nsCompat && n.Local == "Fallback") ||
					(n.Space == nsWord && (n.Local == "del" || n.Local == "instrText" || n.Local == "footnoteReference"))
			},
		})
	})
	return out.String(), err
}

// odtText reads the body of an OpenDocument text (content.xml). Headers and
// footers live in styles.xml and are not read; notes, annotations and
// tracked changes are skipped. A password-protected file says so in its
// manifest, and its content is not XML.
func odtText(b []byte) (string, error) {
	a, err := openZip(b)
	if err != nil {
		return "", err
	}
	if f := a.member("META-INF/manifest.xml"); f != nil {
		m, err := a.read(f, 1<<20)
		if err != nil {
			if errors.Is(err, errTooBig) {
				return "", unreadable(msgTooBig, err)
			}
			return "", unreadable(msgDamaged, err)
		}
		if strings.Contains(string(m), "encryption-data") {
			return "", unreadable(msgEncrypted, nil)
		}
	}
	var out textBuilder
	err = a.readXML("content.xml", func(d *xml.Decoder) error {
		return walkParagraphs(d, &out, paragraphRules{
			isParagraph: func(n xml.Name) bool { return n.Space == nsODFText && (n.Local == "p" || n.Local == "h") },
			anyText:     true,
			isSpace: func(n xml.Name) bool {
				return n.Space == nsODFText && (n.Local == "tab" || n.Local == "line-break" || n.Local == "s")
			},
			inItem: func(n xml.Name) bool { return n.Space == nsODFText && n.Local == "list-item" },
			skip: func(n xml.Name) bool {
				return (n.Space == nsODFText && (n.Local == "note" || n.Local == "tracked-changes" || n.Local == "sequence-decls")) ||
					(n.Space == nsODFOffic && (n.Local == "annotation" || n.Local == "forms"))
			},
			spaces: func(n xml.Name, attr []xml.Attr) int {
				if n.Local != "s" {
					return 1
				}
				c, err := strconv.Atoi(attrValue(attr, nsODFText, "c"))
				if err != nil || c < 1 {
					return 1
				}
				return min(c, 8)
			},
		})
	})
	return out.String(), err
}

// paragraphRules describe one format's paragraphs to walkParagraphs.
type paragraphRules struct {
	isParagraph func(xml.Name) bool
	// isText names the elements whose character data is text; with
	// anyText, all character data inside a paragraph is.
	isText  func(xml.Name) bool
	anyText bool
	isSpace func(xml.Name) bool
	// spaces says how many spaces a space element stands for (default 1).
	spaces func(xml.Name, []xml.Attr) int
	// marksItem is an element inside a paragraph that makes it a list
	// item; inItem an element around paragraphs that does.
	marksItem    func(xml.Name, []xml.Attr) bool
	marksHeading func(xml.Name) bool
	inItem       func(xml.Name) bool
	skip         func(xml.Name) bool
}

// walkParagraphs streams the XML, adding each paragraph to out in document
// order. A paragraph nested in another (a text box inside a paragraph) is
// added where it ends, before the rest of its outer paragraph.
func walkParagraphs(d *xml.Decoder, out *textBuilder, r paragraphRules) error {
	type para struct {
		text    strings.Builder
		item    bool
		heading bool
		depth   int // element depth of the paragraph element
		textAt  int // depth of an open text element, or 0
	}
	var (
		stack     []*para
		depth     int
		skipUntil int // skip everything deeper than this depth while > 0
		items     []int
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if depth != 0 {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if err != nil {
			return err
		}
		if out.full {
			return nil // Read refuses it as too long
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if skipUntil > 0 {
				continue
			}
			if r.skip != nil && r.skip(t.Name) {
				skipUntil = depth
				continue
			}
			if r.inItem != nil && r.inItem(t.Name) {
				items = append(items, depth)
			}
			if r.isParagraph(t.Name) {
				stack = append(stack, &para{depth: depth, item: len(items) > 0})
				continue
			}
			if len(stack) == 0 {
				continue
			}
			p := stack[len(stack)-1]
			switch {
			case r.isText != nil && r.isText(t.Name):
				p.textAt = depth
			case r.isSpace != nil && r.isSpace(t.Name):
				n := 1
				if r.spaces != nil {
					n = r.spaces(t.Name, t.Attr)
				}
				p.text.WriteString(strings.Repeat(" ", n))
			case r.marksItem != nil && r.marksItem(t.Name, t.Attr):
				p.item = true
			case r.marksHeading != nil && r.marksHeading(t.Name):
				p.heading = true
			}
		case xml.EndElement:
			if skipUntil > 0 {
				if depth == skipUntil {
					skipUntil = 0
				}
				depth--
				continue
			}
			if len(items) > 0 && items[len(items)-1] == depth {
				items = items[:len(items)-1]
			}
			if n := len(stack); n > 0 {
				p := stack[n-1]
				if p.textAt == depth {
					p.textAt = 0
				}
				if p.depth == depth {
					out.paragraph(p.text.String(), p.item && !p.heading)
					stack = stack[:n-1]
				}
			}
			depth--
		case xml.CharData:
			if skipUntil > 0 || len(stack) == 0 {
				continue
			}
			p := stack[len(stack)-1]
			if r.anyText || p.textAt > 0 {
				if p.text.Len() < maxTextBytes {
					p.text.Write(t)
				}
			}
		}
	}
}

// attrValue returns the attribute space:local, or "".
func attrValue(attr []xml.Attr, space, local string) string {
	for _, a := range attr {
		if a.Name.Local == local && (a.Name.Space == space || a.Name.Space == "") {
			return a.Value
		}
	}
	return ""
}
