package documents

import (
	"math"

	"github.com/ledongthuc/pdf"
)

// maxGlyphs caps the characters taken from one page: several times a full
// page of small print, far below what would strain memory.
const maxGlyphs = 50000

// glyph is one character drawn on a page, in page space.
type glyph struct {
	s    string
	x, y float64 // origin of the glyph's baseline
	w    float64 // advance width
	size float64 // font size as drawn
}

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n (apply m, then n).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// pageFont is a font as the text interpreter needs it: how to turn codes
// into text and how far each code advances.
type pageFont struct {
	enc       pdf.TextEncoding
	twoByte   bool // a composite (Type0) font: two-byte codes, as Identity-H
	first     int
	widths    []float64 // simple fonts, from FirstChar
	cidWidths map[int]float64
	cidDW     float64
}

func loadFont(v pdf.Value) *pageFont {
	f := pdf.Font{V: v}
	pf := &pageFont{enc: f.Encoder()}
	if v.Key("Subtype").Name() == "Type0" {
		pf.twoByte = true
		d := v.Key("DescendantFonts").Index(0)
		pf.cidDW = 1000
		if dw := d.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			pf.cidDW = dw.Float64()
		}
		pf.cidWidths = map[int]float64{}
		w := d.Key("W")
		// W is a list of "c [w1 w2 ...]" and "cfirst clast w" entries.
		for i := 0; i < w.Len() && len(pf.cidWidths) < 65536; {
			c := int(w.Index(i).Int64())
			if i+1 < w.Len() && w.Index(i+1).Kind() == pdf.Array {
				ws := w.Index(i + 1)
				for j := 0; j < ws.Len() && j < 65536; j++ {
					pf.cidWidths[c+j] = ws.Index(j).Float64()
				}
				i += 2
				continue
			}
			if i+2 >= w.Len() {
				break
			}
			last, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
			for k := c; k <= last && k-c < 65536; k++ {
				pf.cidWidths[k] = width
			}
			i += 3
		}
		return pf
	}
	pf.first = f.FirstChar()
	ws := v.Key("Widths")
	for i := 0; i < ws.Len() && i < 256; i++ {
		pf.widths = append(pf.widths, ws.Index(i).Float64())
	}
	return pf
}

// width is a code's advance in thousandths of the font size.
func (f *pageFont) width(code int) float64 {
	if f.twoByte {
		if w, ok := f.cidWidths[code]; ok {
			return w
		}
		return f.cidDW
	}
	if i := code - f.first; i >= 0 && i < len(f.widths) {
		return f.widths[i]
	}
	return 0
}

// textState is the part of the graphics state that places text.
type textState struct {
	ctm                    matrix
	tm, tlm                matrix
	tc, tw, th, tl, tfs, t float64 // char and word spacing, scale, leading, size, rise
	font                   *pageFont
}

// pageGlyphs interprets a page's content stream and returns the glyphs it
// draws, in drawing order. Text inside form XObjects is not read.
func pageGlyphs(page pdf.Page) []glyph {
	res := page.Resources().Key("Font")
	fonts := map[string]*pageFont{}
	fontFor := func(name string) *pageFont {
		if f, ok := fonts[name]; ok {
			return f
		}
		f := loadFont(res.Key(name))
		fonts[name] = f
		return f
	}
	g := textState{ctm: identity, tm: identity, tlm: identity, th: 1}
	var (
		stack  []textState
		glyphs []glyph
	)
	show := func(raw string) {
		f := g.font
		if f == nil || f.enc == nil {
			return
		}
		step := 1
		if f.twoByte {
			step = 2
		}
		for i := 0; i+step <= len(raw); i += step {
			code := int(raw[i])
			if step == 2 {
				code = code<<8 | int(raw[i+1])
			}
			w0 := f.width(code) / 1000
			trm := matrix{g.tfs * g.th, 0, 0, g.tfs, 0, g.t}.mul(g.tm).mul(g.ctm)
			if len(glyphs) < maxGlyphs {
				glyphs = append(glyphs, glyph{s: f.enc.Decode(raw[i : i+step]), x: trm[4], y: trm[5],
					w: w0 * math.Hypot(trm[0], trm[1]), size: math.Hypot(trm[2], trm[3])})
			}
			tx := w0*g.tfs + g.tc
			if step == 1 && code == ' ' {
				tx += g.tw
			}
			g.tm = matrix{1, 0, 0, 1, tx * g.th, 0}.mul(g.tm)
		}
	}
	nextLine := func() {
		g.tlm = matrix{1, 0, 0, 1, 0, -g.tl}.mul(g.tlm)
		g.tm = g.tlm
	}
	num := func(args []pdf.Value, i int) float64 {
		if i < len(args) {
			return args[i].Float64()
		}
		return 0
	}
	pdf.Interpret(page.V.Key("Contents"), func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "q":
			if len(stack) < 256 {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g, stack = stack[len(stack)-1], stack[:len(stack)-1]
			}
		case "cm":
			var m matrix
			for i := range m {
				m[i] = num(args, i)
			}
			g.ctm = m.mul(g.ctm)
		case "BT":
			g.tm, g.tlm = identity, identity
		case "Tc":
			g.tc = num(args, 0)
		case "Tw":
			g.tw = num(args, 0)
		case "Tz":
			g.th = num(args, 0) / 100
		case "TL":
			g.tl = num(args, 0)
		case "Ts":
			g.t = num(args, 0)
		case "Tf":
			if len(args) == 2 {
				g.font, g.tfs = fontFor(args[0].Name()), args[1].Float64()
			}
		case "Td", "TD":
			if op == "TD" {
				g.tl = -num(args, 1)
			}
			g.tlm = matrix{1, 0, 0, 1, num(args, 0), num(args, 1)}.mul(g.tlm)
			g.tm = g.tlm
		case "Tm":
			var m matrix
			for i := range m {
				m[i] = num(args, i)
			}
			g.tm, g.tlm = m, m
		case "T*":
			nextLine()
		case "Tj", "'", "\"":
			if op == "\"" && len(args) == 3 {
				g.tw, g.tc = args[0].Float64(), args[1].Float64()
			}
			if op != "Tj" {
				nextLine()
			}
			if len(args) > 0 {
				show(args[len(args)-1].RawString())
			}
		case "TJ":
			if len(args) == 0 {
				return
			}
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				x := a.Index(i)
				if x.Kind() == pdf.String {
					show(x.RawString())
				} else {
					tx := -x.Float64() / 1000 * g.tfs * g.th
					g.tm = matrix{1, 0, 0, 1, tx, 0}.mul(g.tm)
				}
			}
		}
	})
	return glyphs
}
