package classify

import (
	"cmp"
	"slices"
	"strings"
)

// How much an indicator counts depends on whose work the clause describes.
// The author's own accountable work counts fully; first-person text without
// an accountability verb a little less; narrative sentences without a
// subject ("The plan covered ...") usually continue the author's account,
// so they count for somewhat more than half; mere participation (took part,
// attended, helped) counts for little; negated or someone else's work counts
// for nothing. Titles name the deliverable but say nothing about who owned it.
const (
	factorAccountable = 1.0
	factorFirstPerson = 0.75
	factorNarrative   = 0.6
	factorTitle       = 0.5
	factorParticipant = 0.3
	// factorOthersPossessive applies to "their design reviews": the author
	// may have taken part but the deliverable was someone else's.
	factorOthersPossessive = 0.3
)

// negationWindow is how many tokens after "not", "no", "don't" ... a
// negation reaches. Six covers "there was no hardware or infrastructure
// build" and "I don't run the pilots' engineering" without running on into
// the next thought.
const negationWindow = 6

// possessiveWindow: "their own project execution plan" reaches two words.
const possessiveWindow = 3

// thresholds are the decision rules' constants. They were chosen by
// rotating hold-out on the development set (see docs/classifier.md);
// changing them requires a Version bump.
type thresholds struct {
	// minStrong is the least deliverable-plus-accountability evidence on
	// the stronger side for a management label. At 2.25 one deliverable in
	// the author's own first-person account is enough (3 x 0.75), but a
	// deliverable merely named in narrative (3 x 0.6), one participation
	// mention, or a lone accountability phrase (2) is not.
	minStrong float64
	// hybridMinStrong is the least deliverable-plus-accountability evidence
	// the weaker side needs for hybrid: about two owned deliverables, so a
	// passing mention of the other side does not make a hybrid.
	hybridMinStrong float64
	// hybridRatio is how close the two sides' total evidence must be for
	// hybrid; below it the stronger side wins.
	hybridRatio float64
}

// defaultThresholds sit in the middle of the range that held-out tuning
// found equally accurate (minStrong 1.5-3, hybridMinStrong 4-6,
// hybridRatio 0.2-0.5), so small shifts in wording do not flip labels.
var defaultThresholds = thresholds{minStrong: 2.25, hybridMinStrong: 5.0, hybridRatio: 0.35}

// indState is what was found for one indicator across the document.
type indState struct {
	best       float64 // highest clause factor of any occurrence
	first      int32   // token position of the best occurrence
	inTitle    bool
	discounted bool // seen, but negated or attributed to others
	seen       bool
}

// evaluation is the scored document, before the label decision.
type evaluation struct {
	d      *document
	states []indState
	total  [2]float64 // all evidence, by side (sideTM, sideEM)
	strong [2]float64 // deliverables and accountability only
	// owned is strong evidence from clauses that describe more than mere
	// participation: attending someone's reviews, helping with a plan or
	// contributing to a roadmap, however many such mentions, is not a
	// deliverable the author was accountable for.
	owned [2]float64
	// concrete is the evidence that names an output or people: deliverables
	// and stakeholders, both sides together.
	concrete float64
	indiv    float64
	words    int
	sorted   [4][]found // foundOn cache, by side
}

func (d *document) clauseFactor(c *clause) float64 {
	if c.negated || c.others || c.intent {
		return 0
	}
	if c.title {
		return factorTitle
	}
	firstPerson := c.ownSubject || c.selfPossess
	switch {
	case !firstPerson && c.agentSubject:
		return 0
	case firstPerson && c.accountable:
		return factorAccountable
	case firstPerson && c.participant:
		return factorParticipant
	case firstPerson:
		return factorFirstPerson
	case c.participant:
		return factorParticipant
	}
	return factorNarrative
}

// matchFactor is the clause factor adjusted for negation and possessives
// that sit right before the match.
func (d *document) matchFactor(m match) float64 {
	c := &d.clauses[d.toks[m.start].clause]
	f := d.clauseFactor(c)
	if f == 0 {
		return 0
	}
	for _, p := range d.negs {
		if p < m.start && m.start-p <= negationWindow && p >= c.start {
			return 0
		}
	}
	for _, p := range d.possOthr {
		if p < m.start && m.start-p <= possessiveWindow && p >= c.start {
			f *= factorOthersPossessive
			break
		}
	}
	return f
}

// Indexes of the resolved forms of the context-dependent risk register,
// found once from the table.
var (
	idxRiskRegisterTM = indexOf("adoption and governance risk register")
	idxRiskRegisterEM = indexOf("technical risk register")
)

func indexOf(name string) int32 {
	for i, in := range taxonomy {
		if in.name == name {
			return int32(i)
		}
	}
	panic("classify: taxonomy lacks indicator " + name)
}

// resolveContext gives a bare "risk register" the side of the risks and
// topics named in the same clause; a tie goes to engineering management,
// where the framework lists risk registers. A register already qualified
// ("technical risk register") is not counted twice.
func (d *document) resolveContext() {
	for i := range d.matches {
		m := &d.matches[i]
		if taxonomy[m.ind].side != sideContext {
			continue
		}
		qualified := false
		for _, o := range d.matches {
			if o.end == m.end && o.start < m.start && (o.ind == idxRiskRegisterTM || o.ind == idxRiskRegisterEM) {
				qualified = true
			}
		}
		if qualified {
			m.ind = -1
			continue
		}
		c := &d.clauses[d.toks[m.start].clause]
		var w [2]float64
		for _, o := range d.matches {
			if o.ind < 0 || o.start < c.start || o.start >= c.end {
				continue
			}
			in := &taxonomy[o.ind]
			if (in.kind == kindRisk || in.kind == kindTopic) && in.side <= sideEM {
				w[in.side] += in.weight
			}
		}
		if w[sideTM] > w[sideEM] {
			m.ind = idxRiskRegisterTM
		} else {
			m.ind = idxRiskRegisterEM
		}
	}
}

func (d *document) evaluate() *evaluation {
	d.resolveContext()
	ev := &evaluation{d: d, states: make([]indState, len(taxonomy)), words: len(d.toks)}
	for _, m := range d.matches {
		if m.ind < 0 {
			continue
		}
		st := &ev.states[m.ind]
		f := d.matchFactor(m)
		if d.clauses[d.toks[m.start].clause].title {
			st.inTitle = true
		}
		if f == 0 {
			st.discounted = true
			continue
		}
		if !st.seen || f > st.best {
			st.best, st.first = f, m.start
		}
		st.seen = true
	}
	for i := range ev.states {
		st := &ev.states[i]
		if !st.seen {
			continue
		}
		in := &taxonomy[i]
		v := in.weight * st.best
		switch in.side {
		case sideTM, sideEM:
			ev.total[in.side] += v
			if in.kind == kindDeliverable || in.kind == kindAccountability {
				ev.strong[in.side] += v
				if st.best > factorParticipant {
					ev.owned[in.side] += v
				}
			}
			if in.kind == kindDeliverable || in.kind == kindStakeholder {
				ev.concrete += v
			}
		case sideNone:
			ev.indiv += v
		}
	}
	return ev
}

// decide applies the label rules: enough owned evidence on the stronger
// side, then hybrid only when the weaker side is itself substantial and
// close to the stronger one.
func (ev *evaluation) decide(t thresholds) Label {
	tm, em := ev.total[sideTM], ev.total[sideEM]
	stm, sem := ev.strong[sideTM], ev.strong[sideEM]
	if max(ev.owned[sideTM], ev.owned[sideEM]) < t.minStrong {
		return InsufficientEvidence
	}
	// Accountability words that name neither an output nor anyone worked
	// with ("I champion governance and drive innovation") describe the
	// author, not a piece of work: the framework asks for a deliverable the
	// author owned and the stakeholders involved.
	if ev.concrete == 0 {
		return InsufficientEvidence
	}
	lo, hi := min(tm, em), max(tm, em)
	if min(stm, sem) >= t.hybridMinStrong && lo >= t.hybridRatio*hi {
		return Hybrid
	}
	if tm > em {
		return TechnologyManagement
	}
	if em > tm {
		return EngineeringManagement
	}
	// Exact ties are rare; the stronger deliverable evidence decides, and
	// technology management only if that is tied too (a label must be
	// deterministic).
	if sem > stm {
		return EngineeringManagement
	}
	return TechnologyManagement
}

type found struct {
	idx   int
	score float64
	first int32
}

// foundOn lists indicators seen for side s, strongest first, then in order
// of appearance.
// The sorted list per side is built once and then filtered by kind.
func (ev *evaluation) foundOn(s side, kinds ...kind) []found {
	all := ev.sorted[s]
	if all == nil {
		for i := range ev.states {
			st := &ev.states[i]
			in := &taxonomy[i]
			if st.seen && in.side == s {
				all = append(all, found{i, in.weight * st.best, st.first})
			}
		}
		slices.SortFunc(all, func(a, b found) int {
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
			return cmp.Compare(a.first, b.first)
		})
		if all == nil {
			all = []found{}
		}
		ev.sorted[s] = all
	}
	if len(kinds) == 0 {
		return all
	}
	var out []found
	for _, f := range all {
		if slices.Contains(kinds, taxonomy[f.idx].kind) {
			out = append(out, f)
		}
	}
	return out
}

func names(fs []found, limit int) []string {
	out := make([]string, 0, min(len(fs), limit))
	for i, f := range fs {
		if i == limit {
			break
		}
		out = append(out, taxonomy[f.idx].name)
	}
	return out
}

// deliverableType picks the deliverable the sample is mostly about among the
// sides the label covers: the type with the most owned evidence, where a
// deliverable named in the title counts fully (titles name the sample).
func (ev *evaluation) deliverableType(label Label) DeliverableType {
	var sides []side
	switch label {
	case TechnologyManagement:
		sides = []side{sideTM}
	case EngineeringManagement:
		sides = []side{sideEM}
	case Hybrid:
		sides = []side{sideTM, sideEM}
	default:
		return Other
	}
	type cand struct {
		score float64
		first int32
	}
	types := DeliverableTypes()
	var scores [32]cand
	for i := range scores {
		scores[i].first = 1 << 30
	}
	for _, s := range sides {
		for _, f := range ev.foundOn(s, kindDeliverable) {
			in := &taxonomy[f.idx]
			v := f.score
			if ev.states[f.idx].inTitle {
				v += in.weight
			}
			c := &scores[slices.Index(types, in.dtype)]
			c.score += v
			c.first = min(c.first, f.first)
		}
	}
	best, bestType := cand{first: 1 << 30}, Other
	for i, dt := range types {
		c := scores[i]
		if c.score > best.score || c.score > 0 && c.score == best.score && c.first < best.first {
			best, bestType = c, dt
		}
	}
	return bestType
}

// result builds the Result for the label the model chose: the indicators,
// deliverable type and rationale all come from the reading.
func (ev *evaluation) result(label Label, borderline bool, words wording) Result {
	r := Result{
		Label:           label,
		DeliverableType: ev.deliverableType(label),
		Indicators: Indicators{
			TechnologyManagement:  names(ev.foundOn(sideTM), 12),
			EngineeringManagement: names(ev.foundOn(sideEM), 12),
		},
		Borderline: borderline,
		Version:    Version,
	}
	r.Rationale = ev.rationale(label, words)
	return r
}

// rationale writes one to three sentences about what was found; it never
// mentions scores.
func (ev *evaluation) rationale(label Label, words wording) string {
	var b strings.Builder
	switch label {
	case InsufficientEvidence:
		b.WriteString("Not enough evidence of management accountability: ")
		indiv := names(ev.foundOn(sideNone), 2)
		strongTM := names(ev.foundOn(sideTM, kindDeliverable, kindAccountability), 2)
		strongEM := names(ev.foundOn(sideEM, kindDeliverable, kindAccountability), 2)
		switch {
		case ev.words < 12:
			b.WriteString("the description is too short to show what the author was accountable for.")
		case len(indiv) > 0 && indiv[0] == "testing as a user":
			b.WriteString("the author took part as a user or tester but does not describe owning a deliverable.")
		case len(indiv) > 0:
			b.WriteString("the description reads as individual technical work (" + joinAnd(indiv) + ").")
		case len(strongTM)+len(strongEM) > 0 && ev.concrete > 0:
			b.WriteString("it mentions " + joinAnd(append(strongTM, strongEM...)) +
				" but does not show that the author owned them.")
		case ev.total[sideTM]+ev.total[sideEM] > 0:
			b.WriteString("it names no deliverable the author owned, such as a roadmap, business case, design review or test plan.")
		default:
			b.WriteString("it does not describe technology capability or technical delivery work.")
		}
		b.WriteString(" Describe a deliverable you were accountable for and who you worked with.")
		return b.String()
	case TechnologyManagement, EngineeringManagement:
		s, other := sideTM, sideEM
		b.WriteString("Classified as technology management: ")
		if label == EngineeringManagement {
			s, other = sideEM, sideTM
			b.Reset()
			b.WriteString("Classified as engineering management: ")
		}
		b.WriteString(ev.sideSummary(s, words))
		b.WriteString(".")
		if disc := ev.discountedOn(other); len(disc) > 0 {
			verb := "was"
			if len(disc) > 1 {
				verb = "were"
			}
			b.WriteString(" " + capitalise(sideNoun(other)) + " work mentioned (" + joinAnd(disc) +
				") " + verb + " negated or attributed to others.")
		} else if o := names(ev.foundOn(other, kindDeliverable, kindAccountability), 2); len(o) > 0 {
			b.WriteString(" There is some " + sideNoun(other) + " evidence (" + joinAnd(o) +
				"), but it is minor by comparison.")
		}
		return b.String()
	default:
		b.WriteString("Classified as hybrid: the author was accountable both for technology management work (")
		b.WriteString(ev.sideEvidence(sideTM, words))
		b.WriteString(") and for engineering management work (")
		b.WriteString(ev.sideEvidence(sideEM, words))
		b.WriteString("). An advisor should compare it with both programmes' module descriptions.")
		return b.String()
	}
}

// sideEvidence names the deliverables and accountability found on side s,
// or, when the indicator table names none there, the author's own words
// that weighed most for that side.
func (ev *evaluation) sideEvidence(s side, words wording) string {
	if n := names(ev.foundOn(s, kindDeliverable, kindAccountability), 3); len(n) > 0 {
		return joinAnd(n)
	}
	if ws := words.on(s); len(ws) > 0 {
		return "work they describe as " + joinAnd(quoted(ws))
	}
	if n := names(ev.foundOn(s), 3); len(n) > 0 {
		return "work involving " + joinAnd(n)
	}
	return "work described in the author's own words"
}

func quoted(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = "\u201c" + x + "\u201d"
	}
	return out
}

func (ev *evaluation) sideSummary(s side, words wording) string {
	var b strings.Builder
	b.WriteString("the author was accountable for ")
	b.WriteString(ev.sideEvidence(s, words))
	if st := names(ev.foundOn(s, kindStakeholder), 2); len(st) > 0 {
		b.WriteString(", working with " + joinAnd(st))
	}
	if r := names(ev.foundOn(s, kindRisk), 2); len(r) > 0 {
		b.WriteString(", and watched for " + joinAnd(r))
	}
	return b.String()
}

// discountedOn names deliverables on side s that appeared only negated or
// as someone else's work.
func (ev *evaluation) discountedOn(s side) []string {
	var out []string
	for i := range ev.states {
		st := &ev.states[i]
		in := &taxonomy[i]
		if in.side == s && in.kind == kindDeliverable && st.discounted && !st.seen && len(out) < 3 {
			out = append(out, in.name)
		}
	}
	return out
}

func sideNoun(s side) string {
	if s == sideTM {
		return "technology management"
	}
	return "engineering delivery"
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
