package classify

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The matching engine: text is normalised once into lower-case tokens
// grouped into clauses, then every pattern of the taxonomy and of the clause
// cues is matched in a single pass using an index keyed on the first four
// bytes of a token. No regular expressions run on the hot path.

// keyLen is the length of the index key. Prefix alternatives ("adopt*") must
// be at least this long so that the key of any token they match is the key
// they are filed under.
const keyLen = 4

type alt struct {
	s      string
	prefix bool
}

type element struct {
	alts     []alt
	ids      []int32  // vocabulary ids of the exact alternatives
	set      []uint64 // the same ids as a bit set, for long alternative lists
	prefixes []string // the prefix alternatives
	gap      int      // tokens that may be skipped before this element
	neg      bool     // negative look-ahead: the next token must not match
}

// matches compares vocabulary ids first (one integer per exact alternative)
// and falls back to prefix comparison.
func (e *element) matches(id int32, tok string) bool {
	if id != 0 && e.set != nil {
		if int(id>>6) < len(e.set) && e.set[id>>6]&(1<<(id&63)) != 0 {
			return true
		}
	} else if id != 0 {
		for _, x := range e.ids {
			if x == id {
				return true
			}
		}
	}
	for _, p := range e.prefixes {
		if strings.HasPrefix(tok, p) {
			return true
		}
	}
	return false
}

// compiledPattern is one pattern of an indicator (ind >= 0) or of a clause
// cue (ind < 0, cue set).
type compiledPattern struct {
	elems []element
	ind   int
	cue   cue
}

// wordClass flags the function words clause analysis looks for, stored in
// the exact index so each token costs one lookup.
type wordClass uint8

const (
	classOwnPronoun wordClass = 1 << iota
	classPossessive
	classAgent
	classDeterminer
)

type entry struct {
	pats  []int32
	id    int32 // vocabulary id, 0 if no pattern uses the word exactly
	class wordClass
}

// matcher indexes patterns by their first element: exact alternatives by the
// whole token, prefix alternatives by the token's first keyLen bytes.
type matcher struct {
	patterns []compiledPattern
	exact    map[string]entry
	prefix   map[uint32][]int32
	byID     [][]int32 // patterns whose first element has the exact word with this id
}

// engine is built once from the taxonomy; it is read-only afterwards, so
// Classify is safe for concurrent use.
var engine = mustBuildMatcher()

func mustBuildMatcher() *matcher {
	m, err := buildMatcher(taxonomy, clauseCues)
	if err != nil {
		panic("classify: invalid taxonomy: " + err.Error())
	}
	return m
}

func buildMatcher(inds []indicator, cues []cueRow) (*matcher, error) {
	m := &matcher{exact: make(map[string]entry), prefix: make(map[uint32][]int32)}
	add := func(src string, ind int, c cue) error {
		p, err := compilePattern(src)
		if err != nil {
			return fmt.Errorf("pattern %q: %w", src, err)
		}
		p.ind, p.cue = ind, c
		idx := int32(len(m.patterns))
		m.patterns = append(m.patterns, p)
		seenExact, seenPrefix := map[string]bool{}, map[string]bool{}
		for _, a := range p.elems[0].alts {
			if !a.prefix {
				if !seenExact[a.s] {
					seenExact[a.s] = true
					e := m.exact[a.s]
					e.pats = append(e.pats, idx)
					m.exact[a.s] = e
				}
				continue
			}
			k := a.s[:keyLen]
			if !seenPrefix[k] {
				seenPrefix[k] = true
				m.prefix[prefixKey(k)] = append(m.prefix[prefixKey(k)], idx)
			}
		}
		return nil
	}
	for i, in := range inds {
		if in.name == "" || in.weight <= 0 || len(in.patterns) == 0 {
			return nil, fmt.Errorf("indicator %d (%q): needs a name, a positive weight and patterns", i, in.name)
		}
		if (in.kind == kindDeliverable) != (in.dtype != "") {
			return nil, fmt.Errorf("indicator %q: deliverable type must be set exactly for deliverables", in.name)
		}
		if in.dtype != "" && !in.dtype.Valid() {
			return nil, fmt.Errorf("indicator %q: unknown deliverable type %q", in.name, in.dtype)
		}
		if (in.side == sideNone) != (in.kind == kindIndividual) {
			return nil, fmt.Errorf("indicator %q: only individual-work indicators have no side", in.name)
		}
		for _, src := range in.patterns {
			if err := add(src, i, 0); err != nil {
				return nil, fmt.Errorf("indicator %q: %w", in.name, err)
			}
		}
	}
	for _, row := range cues {
		for _, src := range row.patterns {
			if err := add(src, -1, row.cue); err != nil {
				return nil, fmt.Errorf("cue %d: %w", row.cue, err)
			}
		}
	}
	// Give every exact alternative a vocabulary id.
	nextID := int32(1)
	for pi := range m.patterns {
		for ei := range m.patterns[pi].elems {
			el := &m.patterns[pi].elems[ei]
			for _, a := range el.alts {
				if a.prefix {
					el.prefixes = append(el.prefixes, a.s)
					continue
				}
				e := m.exact[a.s]
				if e.id == 0 {
					e.id = nextID
					nextID++
					m.exact[a.s] = e
				}
				el.ids = append(el.ids, e.id)
			}
		}
	}
	// Long alternative lists get a bit set so membership costs one lookup.
	for pi := range m.patterns {
		for ei := range m.patterns[pi].elems {
			el := &m.patterns[pi].elems[ei]
			if len(el.ids) <= 4 {
				continue
			}
			el.set = make([]uint64, slices.Max(el.ids)/64+1)
			for _, id := range el.ids {
				el.set[id>>6] |= 1 << (id & 63)
			}
		}
	}
	m.byID = make([][]int32, nextID)
	for _, e := range m.exact {
		if e.id != 0 {
			m.byID[e.id] = e.pats
		}
	}
	for _, wl := range []struct {
		words []string
		c     wordClass
	}{{ownPronouns, classOwnPronoun}, {firstPersonPossessives, classPossessive}, {otherAgents, classAgent}, {determiners, classDeterminer}} {
		for _, w := range wl.words {
			e := m.exact[w]
			e.class |= wl.c
			m.exact[w] = e
		}
	}
	return m, nil
}

func compilePattern(src string) (compiledPattern, error) {
	var p compiledPattern
	gap := 0
	for _, f := range strings.Fields(strings.ReplaceAll(src, "-", " ")) {
		if strings.HasPrefix(f, "~") {
			n, err := strconv.Atoi(f[1:])
			if err != nil || n < 0 || n > 8 {
				return p, fmt.Errorf("bad gap %q", f)
			}
			gap = n
			continue
		}
		var e element
		if strings.HasPrefix(f, "!") {
			e.neg = true
			f = f[1:]
		}
		for _, a := range strings.Split(f, "|") {
			var x alt
			if strings.HasSuffix(a, "*") {
				x.prefix = true
				a = strings.TrimSuffix(a, "*")
				if len(a) < keyLen && len(p.elems) == 0 {
					return p, fmt.Errorf("leading prefix %q shorter than %d letters", a, keyLen)
				}
			}
			if a == "" {
				return p, fmt.Errorf("empty alternative in %q", f)
			}
			for _, r := range a {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
					return p, fmt.Errorf("alternative %q is not normalised (lower-case letters and digits only)", a)
				}
			}
			x.s = a
			e.alts = append(e.alts, x)
		}
		e.gap = gap
		gap = 0
		if e.neg && (len(p.elems) == 0) {
			return p, fmt.Errorf("negative element cannot start a pattern")
		}
		if len(p.elems) > 0 && p.elems[len(p.elems)-1].neg {
			return p, fmt.Errorf("negative element must be last")
		}
		if e.neg && e.gap != 0 {
			return p, fmt.Errorf("negative element cannot have a gap")
		}
		p.elems = append(p.elems, e)
	}
	if len(p.elems) == 0 {
		return p, fmt.Errorf("empty pattern")
	}
	if gap != 0 {
		return p, fmt.Errorf("trailing gap")
	}
	return p, nil
}

// prefixKey packs the first keyLen bytes of s (len(s) >= keyLen) into an
// integer, which hashes faster than a string.
func prefixKey(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// matchAt reports whether p matches starting at token i, and the index just
// past the last consumed token. Matches stay inside the clause.
func (p *compiledPattern) matchAt(d *document, i int, firstKnown bool) (int, bool) {
	if !firstKnown && !p.elems[0].matches(d.ids[i], d.tok(i)) {
		return 0, false
	}
	end := int(d.clauses[d.toks[i].clause].end)
	pos := i
	for k := 1; k < len(p.elems); k++ {
		e := &p.elems[k]
		if e.neg {
			if pos+1 < end && e.matches(d.ids[pos+1], d.tok(pos+1)) {
				return 0, false
			}
			continue
		}
		found := false
		for j := pos + 1; j <= pos+1+e.gap && j < end; j++ {
			if e.matches(d.ids[j], d.tok(j)) {
				pos, found = j, true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	return pos + 1, true
}

// token is a span of document.text; clause indexes document.clauses.
type token struct {
	start, end int32
	clause     int32
}

// clause is a sentence or contrast-separated part of one, the unit in which
// the classifier decides whose work an indicator describes.
type clause struct {
	start, end   int32 // token range
	title        bool
	ownSubject   bool // i, we, me ... or a clause opening with an accountability verb (CV style)
	selfPossess  bool // my/our not followed by another agent ("my team", "our policy")
	agentSubject bool // opens with someone else ("my manager", "the business units")
	accountable  bool // an accountability verb comes before any participation verb
	participant  bool // a participation verb comes first: "took part in ..., reported defects"
	negated      bool
	others       bool
	intent       bool // wishes and plans ("I want to", "would like to"): interest, not evidence
}

type match struct {
	ind        int32
	start, end int32
}

// document is one description prepared for matching.
type document struct {
	text     string
	toks     []token
	clauses  []clause
	matches  []match
	negs     []int32 // token positions of negation cues
	possOthr []int32 // token positions of "their", "his", "her"
	classes  []wordClass
	ids      []int32 // vocabulary id per token
}

func (d *document) tok(i int) string {
	t := d.toks[i]
	return d.text[t.start:t.end]
}

// newDocument normalises title and description and runs the matcher.
func newDocument(title, description string) *document {
	n := len(title) + len(description) + 8
	d := &document{}
	b := normaliser{buf: make([]byte, 0, n+n/8), toks: make([]token, 0, n/4+4), clauses: make([]clause, 0, n/64+4)}
	b.field(title, true)
	b.field(description, false)
	d.text = string(b.buf)
	d.toks = b.toks
	d.clauses = b.clauses
	d.matches = make([]match, 0, n/16+16)
	d.negs = make([]int32, 0, 8)
	d.run(engine)
	d.analyseClauses()
	return d
}

// normaliser turns raw text into tokens and clauses in one pass: lower case,
// curly quotes and dashes folded, apostrophes joined ("don't" -> "dont",
// "client's" -> "clients"), all other punctuation a word break, and ". ! ? ;"
// or a blank line a clause break.
type normaliser struct {
	buf     []byte
	toks    []token
	clauses []clause
	inWord  bool
	wstart  int
	wupper  int
	brk     bool
	title   bool
	upper   int     // upper-case ASCII letters in the current field
	lower   int     // lower-case ASCII letters in the current field
	itToks  []int32 // tokens written as "IT" in the current field
}

// fixShouting undoes the "IT" -> "itdept" reading when the field turns out
// to be mostly upper case, where "IT" cannot be told apart from "it". The
// token keeps its first two bytes, "it".
func (b *normaliser) fixShouting() {
	b.endWord()
	b.brk = true
	if b.upper > 2*b.lower {
		for _, ti := range b.itToks {
			b.toks[ti].end = b.toks[ti].start + 2
		}
	}
}

func (b *normaliser) field(s string, title bool) {
	b.endWord()
	b.brk = true
	b.title = title
	b.upper, b.lower, b.itToks = 0, 0, b.itToks[:0]
	defer b.fixShouting()
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiWord[c] {
				// Copy the whole run of ASCII letters and digits at once.
				if !b.inWord {
					b.startWord()
				}
				j := i + 1
				for j < len(s) && asciiWord[s[j]] {
					j++
				}
				n := len(b.buf)
				b.buf = append(b.buf, s[i:j]...)
				for k := n; k < len(b.buf); k++ {
					if ch := b.buf[k]; ch >= 'A' && ch <= 'Z' {
						b.buf[k] = ch + 'a' - 'A'
						b.wupper++
						b.upper++
					} else if ch >= 'a' && ch <= 'z' {
						b.lower++
					}
				}
				i = j
				continue
			}
			switch {
			case c == '\'' || c == '`':
				if !(b.inWord && i+1 < len(s) && isASCIILetter(s[i+1])) {
					b.endWord()
				}
			case c == '.':
				b.endWord()
				if i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\n' || s[i+1] == '\r' || s[i+1] == '\t' ||
					s[i+1] == '"' || s[i+1] == ')' || s[i+1] == '\'' || s[i+1] == '.' {
					b.brk = true
				}
			case c == '!' || c == '?' || c == ';':
				b.endWord()
				b.brk = true
			case c == '\n':
				b.endWord()
				// A blank line or a list item ("- ", "* ", "• ", "2. ")
				// starts a new clause: each bullet is its own statement.
				if j := skipSpace(s, i+1); j < len(s) && (s[j] == '\n' || isBullet(s, j)) {
					b.brk = true
				}
			default:
				b.endWord()
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\u2019' || r == '\u2018' || r == '\u02bc' || r == '\u2032':
			if !(b.inWord && i+size < len(s) && isASCIILetter(s[i+size])) {
				b.endWord()
			}
		case r == '\u2026': // ellipsis
			b.endWord()
			b.brk = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !b.inWord {
				b.startWord()
			}
			if unicode.IsUpper(r) {
				b.wupper++
			}
			b.buf = utf8.AppendRune(b.buf, unicode.ToLower(r))
		default:
			b.endWord()
		}
		i += size
	}
	b.endWord()
	b.brk = true
}

// asciiWord marks the ASCII bytes that belong to words.
var asciiWord = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

func (b *normaliser) startWord() {
	b.inWord = true
	b.wstart = len(b.buf)
	b.wupper = 0
}

func (b *normaliser) endWord() {
	if !b.inWord {
		return
	}
	b.inWord = false
	w := b.buf[b.wstart:]
	// "IT" in mixed-case text is the IT function, not the pronoun.
	isIT := len(w) == 2 && w[0] == 'i' && w[1] == 't' && b.wupper == 2
	if isIT {
		b.buf = append(b.buf[:b.wstart], "itdept"...)
		w = b.buf[b.wstart:]
		b.itToks = append(b.itToks, int32(len(b.toks)))
	}
	if !b.brk && len(w) >= 3 && (w[0] == 'b' || w[0] == 'h' || w[0] == 'w') && isClauseBreakWord(w) {
		b.brk = true
	}
	if b.brk || len(b.clauses) == 0 {
		if n := len(b.clauses); n > 0 {
			b.clauses[n-1].end = int32(len(b.toks))
		}
		b.clauses = append(b.clauses, clause{start: int32(len(b.toks)), title: b.title})
		b.brk = false
	}
	b.toks = append(b.toks, token{start: int32(b.wstart), end: int32(len(b.buf)), clause: int32(len(b.clauses) - 1)})
	b.clauses[len(b.clauses)-1].end = int32(len(b.toks))
	b.buf = append(b.buf, ' ')
}

func isClauseBreakWord(w []byte) bool {
	for _, s := range clauseBreakWords {
		if string(w) == s {
			return true
		}
	}
	return false
}

// isBullet reports whether a list marker starts at s[j]: "-", "*", "+",
// a bullet character, or a number followed by "." or ")".
func isBullet(s string, j int) bool {
	switch c := s[j]; {
	case c == '-' || c == '*' || c == '+':
		return true
	case c >= '0' && c <= '9':
		k := j
		for k < len(s) && k-j < 3 && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		return k < len(s) && (s[k] == '.' || s[k] == ')')
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return r == '\u2022' || r == '\u25aa' || r == '\u25e6' || r == '\u00b7' || r == '\u2013' || r == '\u2014'
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	return i
}

// analyseClauses finds who each clause is about, from pronouns and the
// clause's opening words.
func (d *document) analyseClauses() {
	for ci := range d.clauses {
		c := &d.clauses[ci]
		for i := int(c.start); i < int(c.end); i++ {
			switch cl := d.classes[i]; {
			case cl&classOwnPronoun != 0:
				c.ownSubject = true
			case cl&classPossessive != 0:
				if i+1 >= int(c.end) || d.classes[i+1]&classAgent == 0 {
					c.selfPossess = true
				}
			}
		}
		// The subject: the first two words after any determiners.
		i := int(c.start)
		for i < int(c.end) && d.classes[i]&classDeterminer != 0 {
			i++
		}
		for k := i; k < i+2 && k < int(c.end); k++ {
			if d.classes[k]&classAgent != 0 && !d.opensDeliverable(k) {
				c.agentSubject = true
			}
		}
	}
}

// opensDeliverable reports whether a deliverable's name starts at token i.
// There an agent noun names the work ("Vendor evaluation for ...",
// "Supplier audits ..."), not who did it.
func (d *document) opensDeliverable(i int) bool {
	for _, m := range d.matches {
		if int(m.start) == i && m.ind >= 0 && taxonomy[m.ind].kind == kindDeliverable {
			return true
		}
	}
	return false
}

// run matches every pattern at every token and records indicator matches
// and clause cues.
func (d *document) run(m *matcher) {
	d.classes = make([]wordClass, len(d.toks))
	d.ids = make([]int32, len(d.toks))
	for i := range d.toks {
		e := m.exact[d.tok(i)]
		d.classes[i], d.ids[i] = e.class, e.id
	}
	for i := range d.toks {
		s := d.tok(i)
		if id := d.ids[i]; id != 0 {
			d.try(m, m.byID[id], i, s, true)
		}
		if len(s) >= keyLen {
			if pats := m.prefix[prefixKey(s)]; len(pats) > 0 {
				d.try(m, pats, i, s, false)
			}
		}
	}
}

// try runs the candidate patterns at token i; firstKnown says the index
// already proved the first element matches.
func (d *document) try(m *matcher, pats []int32, i int, s string, firstKnown bool) {
	{
		for _, pi := range pats {
			p := &m.patterns[pi]
			end, ok := p.matchAt(d, i, firstKnown)
			if !ok {
				continue
			}
			if p.ind >= 0 {
				d.matches = append(d.matches, match{ind: int32(p.ind), start: int32(i), end: int32(end)})
				continue
			}
			c := &d.clauses[d.toks[i].clause]
			switch p.cue {
			case cueAccountable:
				if !c.participant {
					c.accountable = true
				}
				if int32(i) == c.start && !c.title {
					c.ownSubject = true // CV style: "Led the vendor evaluation ..."
				}
			case cueParticipant:
				c.participant = true
				if int32(i) == c.start && !c.title {
					c.ownSubject = true
				}
			case cueNegation:
				// "go/no-go" is a release gate, not a negation.
				if s == "no" && i > 0 && d.tok(i-1) == "go" {
					continue
				}
				d.negs = append(d.negs, int32(i))
			case cueClauseNegation:
				c.negated = true
			case cueOthers:
				c.others = true
			case cueIntent:
				c.intent = true
			case cueOthersPossessive:
				d.possOthr = append(d.possOthr, int32(i))
			}
		}
	}
}
