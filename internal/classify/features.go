package classify

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
)

// The learned model reads a description through two sets of features:
//
//   - the accountability reading (decide.go): which indicators were found in
//     clauses the author owned, which only in participation, narrative or
//     the title, which were negated or someone else's, and the evidence
//     totals per side;
//   - the words and word pairs of the text, split by the same reading: words
//     of clauses that count as the author's work, words of clauses that are
//     negated, intended or someone else's, and words of the title, so that
//     "the build was the contractor's" does not read like "I led the build".
//
// A feature is identified by a 64-bit FNV-1a hash of its name, so the hot
// path builds no strings: the hash of "w:" + token is computed over the
// bytes in place. Training (train.go) uses the names; inference only the
// hashes.

// Feature-name prefixes.
const (
	prefixWord      = "w:"  // a word of a clause that counts as the author's work
	prefixBigram    = "b:"  // two adjacent words of such a clause
	prefixVoidWord  = "x:"  // a word of a negated, intended or someone else's clause
	prefixTitleWord = "t:"  // a word of the title
	prefixStem      = "s:"  // the first letters of a word of the author's own clauses
	prefixIndicator = "i:"  // an indicator, valued by how its best clause counts
	prefixDiscount  = "d:"  // an indicator seen only negated or as someone else's work
	prefixReading   = "r:"  // the reading's evidence totals and label
	numberToken     = "<n>" // every token with a digit in it
)

// readingScale shrinks the reading's features against the words'. With
// one penalty on all weights, full-scale reading features let the model
// lean on the indicator table, which was written against the development
// batch; at 0.4 the held-out batches were best (docs/classifier.md).
const readingScale = 0.4

// stemLen is how many bytes of a longer word its stem keeps.
const stemLen = 5

const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime64
	}
	return h
}

// featureKey is the key of a feature name, as stored with the weights:
// the hash of the name after its two-byte prefix, then of a NUL and the
// prefix. Hashing the prefix last lets a word's hash be computed once and
// finished for each family it appears in.
func featureKey(name string) uint64 {
	if len(name) < 2 {
		return withPrefix(fnvAdd(fnvOffset64, name), "")
	}
	return withPrefix(fnvAdd(fnvOffset64, name[2:]), name[:2])
}

func withPrefix(h uint64, prefix string) uint64 {
	h ^= 0
	h *= fnvPrime64
	return fnvAdd(h, prefix)
}

// feature is one non-zero input of the model.
type feature struct {
	key uint64
	val float64
	// tok is the first token of a word feature (-1 for the reading's
	// features), so the explanation can quote the words that decided.
	tok int32
	n   int8 // tokens the feature spans (1 or 2)
	own bool // a word of the author's own clauses
}

// Token roles for the word features.
const (
	roleOwn = iota
	roleVoid
	roleTitle
)

// tokenText is the token as the word features see it: numbers folded.
func (d *document) tokenText(i int) string {
	s := d.tok(i)
	for j := 0; j < len(s); j++ {
		if s[j] >= '0' && s[j] <= '9' {
			return numberToken
		}
	}
	if s == "itdept" {
		return "it"
	}
	return s
}

// tokenRoles gives each token the role of its clause, with a negation cue
// voiding the few words after it, as it voids indicators (matchFactor).
func (d *document) tokenRoles() []uint8 {
	roles := make([]uint8, len(d.toks))
	for ci := range d.clauses {
		c := &d.clauses[ci]
		r := uint8(roleOwn)
		switch {
		case c.title:
			r = roleTitle
		case d.clauseFactor(c) == 0:
			r = roleVoid
		}
		for i := c.start; i < c.end; i++ {
			roles[i] = r
		}
	}
	for _, p := range d.negs {
		c := &d.clauses[d.toks[p].clause]
		if c.title {
			continue
		}
		for i := p + 1; i < c.end && i-p <= negationWindow; i++ {
			roles[i] = roleVoid
		}
	}
	return roles
}

// featureSet collects a document's features, and their names when
// training asks for them.
//
// With a model to score against, it keeps no features at all: it adds each
// word's weights into its family's sum and each reading feature's weighted
// value into the scores, which is all Classify needs.
type featureSet struct {
	fs        []feature
	names     []string
	withNames bool

	model *Model
	fam   int // the word family being added
	famN  [3]int
	famW  [3][numLabels]float32
	z     [numLabels]float64
}

// add appends the feature whose name is prefix followed by parts joined by
// spaces; the name is built only for training.
func (s *featureSet) add(prefix string, val float64, tok int32, own bool, parts ...string) {
	h := uint64(fnvOffset64)
	for i, p := range parts {
		if i > 0 {
			h = fnvAdd(h, " ")
		}
		h = fnvAdd(h, p)
	}
	s.addKey(withPrefix(h, prefix), val, tok, int8(len(parts)), own)
	if s.withNames {
		s.names = append(s.names, prefix+strings.Join(parts, " "))
	}
}

// addKey appends a feature whose key the caller has computed.
func (s *featureSet) addKey(key uint64, val float64, tok int32, n int8, own bool) {
	if tok < 0 {
		val *= readingScale
	} else {
		s.famN[s.fam]++
	}
	if s.model == nil {
		s.fs = append(s.fs, feature{key: key, val: val, tok: tok, n: n, own: own})
		return
	}
	w := s.model.table.lookup(key)
	if w == nil {
		return
	}
	if tok >= 0 {
		fw := &s.famW[s.fam]
		fw[0] += w[0]
		fw[1] += w[1]
		fw[2] += w[2]
		fw[3] += w[3]
		return
	}
	for k := range s.z {
		s.z[k] += float64(w[k]) * val
	}
}

// features lists the model's inputs for the evaluated document. Each word
// occurrence is a feature, scaled so that a family of n occurrences has
// unit length when no word repeats, whatever the text's size; the reading's
// features keep their own scale. With names, it also returns each
// feature's name (for training).
func (ev *evaluation) features(names bool) ([]feature, []string) {
	set := featureSet{fs: make([]feature, 0, 4*len(ev.d.toks)+64), withNames: names}
	ev.addFeatures(&set)
	return set.fs, set.names
}

// score returns m's label probabilities for the document, in one pass over
// its features and without keeping them.
func (ev *evaluation) score(m *Model) [numLabels]float64 {
	set := featureSet{model: m}
	ev.addFeatures(&set)
	z := m.bias
	for fam := range set.famW {
		if set.famN[fam] == 0 {
			continue
		}
		scale := 1 / math.Sqrt(float64(set.famN[fam]))
		for k := range z {
			z[k] += float64(set.famW[fam][k]) * scale
		}
	}
	for k := range z {
		z[k] += set.z[k]
	}
	return softmax(z)
}

// tokenHashes is per-token scratch space for appendFeatures.
type tokenHashes struct {
	text       []string
	word, stem []uint64
}

func (t *tokenHashes) reset(n int) {
	if cap(t.text) < n {
		t.text, t.word, t.stem = make([]string, n), make([]uint64, n), make([]uint64, n)
	}
	t.text, t.word, t.stem = t.text[:n], t.word[:n], t.stem[:n]
}

var tokenScratch = sync.Pool{New: func() any { return new(tokenHashes) }}

// addFeatures adds the document's features to set.
func (ev *evaluation) addFeatures(set *featureSet) {
	d := ev.d
	names := set.withNames
	roles := d.tokenRoles()
	var one [2]string // reused argument arrays keep the hot path free of allocations
	// Each token's text is hashed once (and its stem on the way); the
	// families finish the hash with their prefix.
	n := len(d.toks)
	scratch := tokenScratch.Get().(*tokenHashes)
	defer tokenScratch.Put(scratch)
	scratch.reset(n)
	texts, hw, hs := scratch.text, scratch.word, scratch.stem
	for i := range d.toks {
		w := d.tokenText(i)
		texts[i] = w
		h := uint64(fnvOffset64)
		for j := 0; j < len(w); j++ {
			h ^= uint64(w[j])
			h *= fnvPrime64
			if j == stemLen-1 {
				hs[i] = h
			}
		}
		hw[i] = h
	}
	// Words, by family; each family is then scaled to unit length. A word
	// that occurs twice is two features of the same key: the model reads
	// term frequencies.
	var famStart [4]int
	famPrefix := [3]string{prefixWord, prefixVoidWord, prefixTitleWord}
	for fam := 0; fam < 3; fam++ {
		famStart[fam] = len(set.fs)
		set.fam = fam
		for i := 0; i < n; i++ {
			if int(roles[i]) == fam {
				set.addKey(withPrefix(hw[i], famPrefix[fam]), 1, int32(i), 1, fam == roleOwn)
				if names {
					set.names = append(set.names, famPrefix[fam]+texts[i])
				}
			}
		}
		if fam != roleOwn {
			continue
		}
		// Stems let "installed", "installing" and "installation" share
		// evidence that the batches spell one way only.
		for i := 0; i < n; i++ {
			if roles[i] == roleOwn && len(texts[i]) > stemLen {
				set.addKey(withPrefix(hs[i], prefixStem), 1, int32(i), 1, false)
				if names {
					set.names = append(set.names, prefixStem+texts[i][:stemLen])
				}
			}
		}
		for i := 0; i+1 < n; i++ {
			if roles[i] == roleOwn && roles[i+1] == roleOwn && d.toks[i].clause == d.toks[i+1].clause {
				h := fnvAdd(fnvAdd(hw[i], " "), texts[i+1])
				set.addKey(withPrefix(h, prefixBigram), 1, int32(i), 2, true)
				if names {
					set.names = append(set.names, prefixBigram+texts[i]+" "+texts[i+1])
				}
			}
		}
	}
	famStart[3] = len(set.fs)
	for fam := 0; fam < 3 && set.model == nil; fam++ {
		n := famStart[fam+1] - famStart[fam]
		if n == 0 {
			continue
		}
		scale := 1 / math.Sqrt(float64(n))
		for i := famStart[fam]; i < famStart[fam+1]; i++ {
			set.fs[i].val = scale
		}
	}
	// The reading: each indicator by how its best occurrence counts.
	for i := range ev.states {
		st := &ev.states[i]
		one[0] = taxonomy[i].name
		switch {
		case st.seen:
			set.add(prefixIndicator, st.best, -1, false, one[:1]...)
		case st.discounted:
			set.add(prefixDiscount, 1, -1, false, one[:1]...)
		}
	}
	reading := func(name string, v float64) {
		if v != 0 {
			one[0] = name
			set.add(prefixReading, v, -1, false, one[:1]...)
		}
	}
	for s := sideTM; s <= sideEM; s++ {
		reading(readingNames[s][0], math.Log1p(ev.total[s]))
		reading(readingNames[s][1], math.Log1p(ev.strong[s]))
		reading(readingNames[s][2], math.Log1p(ev.owned[s]))
	}
	lo, hi := min(ev.owned[sideTM], ev.owned[sideEM]), max(ev.owned[sideTM], ev.owned[sideEM])
	if hi > 0 {
		reading("balance", lo/hi)
	}
	// Who the text is about: a job advert, a module description or a
	// press release has no first person at all; a participant's account
	// has it only in participation clauses.
	var body, own, part, void int
	for ci := range d.clauses {
		c := &d.clauses[ci]
		if c.title {
			continue
		}
		body++
		if c.ownSubject || c.selfPossess {
			own++
		}
		if c.participant {
			part++
		}
		if d.clauseFactor(c) == 0 {
			void++
		}
	}
	if body > 0 {
		reading("first_person_share", float64(own)/float64(body))
		reading("participant_share", float64(part)/float64(body))
		reading("void_share", float64(void)/float64(body))
	}
	if own == 0 {
		reading("no_first_person", 1)
	}
	reading("concrete", math.Log1p(ev.concrete))
	reading("individual", math.Log1p(ev.indiv))
	reading("words", math.Log1p(float64(ev.words))/4)
	one[0] = "label"
	one[1] = string(ev.decide(defaultThresholds))
	set.add(prefixReading, 1, -1, false, one[:2]...)
}

var readingNames = [2][3]string{
	{"total:tm", "strong:tm", "owned:tm"},
	{"total:em", "strong:em", "owned:em"},
}

// phrase is the text of a word feature, for the explanation.
func (d *document) phrase(f feature) string {
	if f.tok < 0 {
		return ""
	}
	if f.n == 2 {
		return d.tok(int(f.tok)) + " " + d.tok(int(f.tok)+1)
	}
	return d.tok(int(f.tok))
}

// isWordFeature reports whether a feature name is one of the text's words
// (as opposed to the reading's features).
func isWordFeature(name string) bool {
	return strings.HasPrefix(name, prefixWord) || strings.HasPrefix(name, prefixBigram) || strings.HasPrefix(name, prefixStem) ||
		strings.HasPrefix(name, prefixVoidWord) || strings.HasPrefix(name, prefixTitleWord)
}

// wording finds, for a side (sideTM, sideEM), a few phrases of the
// author's own clauses that moved the model most towards that side's label:
// the explanation's fallback when the indicator table names nothing there.
// It is built only when the rationale needs it.
type wording struct {
	m  *Model
	ev *evaluation
}

// on returns up to two phrases for side s.
func (w wording) on(s side) []string {
	if w.m == nil {
		return nil
	}
	type cand struct {
		f feature
		v float64
	}
	var cs []cand
	ie := labelIndex(InsufficientEvidence)
	fs, _ := w.ev.features(false)
	for _, f := range fs {
		if !f.own {
			continue
		}
		ws := w.m.table.lookup(f.key)
		if ws == nil {
			continue
		}
		// Towards this side's label and away from insufficient evidence.
		if v := float64(ws[s]-ws[ie]) * f.val; v > 0 {
			cs = append(cs, cand{f, v})
		}
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if c := cmp.Compare(b.v, a.v); c != 0 {
			return c
		}
		return cmp.Compare(a.f.tok, b.f.tok)
	})
	var picked []string
	for _, c := range cs {
		if len(picked) == 2 {
			break
		}
		p := w.ev.d.phrase(c.f)
		if strings.IndexFunc(p, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0 || stopword(p) {
			continue
		}
		dup := false
		for _, q := range picked {
			if strings.Contains(q, p) || strings.Contains(p, q) {
				dup = true
			}
		}
		if !dup {
			picked = append(picked, p)
		}
	}
	return picked
}

// stopword reports whether a phrase is only function words, which explain
// nothing to a reader.
func stopword(p string) bool {
	for _, w := range strings.Fields(p) {
		if !slices.Contains(functionWords, w) {
			return false
		}
	}
	return true
}

var functionWords = []string{"a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by",
	"at", "from", "as", "is", "was", "were", "be", "been", "it", "its", "this", "that", "i", "we", "my",
	"our", "me", "us", "they", "their", "he", "she", "his", "her", "all", "also", "then", "so", "but"}
