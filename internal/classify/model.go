package classify

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The label decision is learned: a multinomial logistic regression over the
// features of features.go, trained by cmd/advising-train on the office's
// labelled samples and embedded here as text. Inference is a sparse dot
// product per label and a softmax; the probabilities never leave the
// package (the framework shows evidence, not scores): they decide the label
// and whether another label was close (borderline).

//go:embed model.tsv
var embeddedModel string

// learned is the model Classify uses, loaded once at start-up.
var learned = mustReadModel(embeddedModel)

// Version identifies the model, indicator table and decision rules that
// produced a Result. It is written into model.tsv by the training command;
// see docs/classifier.md for when it changes.
var Version = learned.version

func mustReadModel(s string) *Model {
	m, err := ReadModel(strings.NewReader(s))
	if err != nil {
		panic("classify: embedded model: " + err.Error())
	}
	return m
}

// numLabels is the number of labels the model scores, in the order of
// Labels().
const numLabels = 4

// Model is a trained label model: one weight per feature and label, a bias
// per label, and the margin under which a result is borderline.
type Model struct {
	version string
	// margin: when the most probable label leads the next by less than
	// this (in probability), the result is borderline. Calibrated on
	// held-out folds by the training command.
	margin  float64
	data    string // digest of the training data, for the record
	bias    [numLabels]float64
	names   []string
	weights [][numLabels]float64
	table   table
}

// table is an open-addressing hash table from feature key to the
// feature's weights, built once when the model is loaded: the keys are
// already hashes, so a lookup is a mask and usually one comparison, and
// the weights sit beside the key in the same cache line.
type table struct {
	slots []slot
	mask  uint64
}

type slot struct {
	key uint64 // 0 marks an empty slot (a name hashing to 0 is refused)
	w   [numLabels]float32
}

func newTable(index map[uint64]int32, weights [][numLabels]float64) table {
	size := 16
	for size < 2*len(index) {
		size *= 2
	}
	t := table{slots: make([]slot, size), mask: uint64(size - 1)}
	for k, row := range index {
		i := k & t.mask
		for t.slots[i].key != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i].key = k
		for l, x := range weights[row] {
			t.slots[i].w[l] = float32(x)
		}
	}
	return t
}

// lookup returns the weights of the feature with key k, or nil.
func (t *table) lookup(k uint64) *[numLabels]float32 {
	for i := k & t.mask; ; i = (i + 1) & t.mask {
		switch t.slots[i].key {
		case k:
			return &t.slots[i].w
		case 0:
			return nil
		}
	}
}

// Version is the classifier version the model was trained as.
func (m *Model) Version() string { return m.version }

func softmax(z [numLabels]float64) [numLabels]float64 {
	mx := slices.Max(z[:])
	var sum float64
	for k := range z {
		z[k] = math.Exp(z[k] - mx)
		sum += z[k]
	}
	for k := range z {
		z[k] /= sum
	}
	return z
}

// decide is the label for an evaluated document and its features, and how
// far it leads the next label.
func (m *Model) decide(ev *evaluation) (Label, float64) {
	k, lead := top(ev.score(m))
	label := Labels()[k]
	// The framework asks for work the author was accountable for: when
	// the reading finds no deliverable or accountability in any clause the
	// author owned, words alone do not make a management label (no
	// management sample of the labelled data reads that way). The reading
	// is sure of that, so the result is not borderline.
	if label != InsufficientEvidence && max(ev.owned[sideTM], ev.owned[sideEM]) == 0 {
		return InsufficientEvidence, 1
	}
	return label, lead
}

// top returns the most probable label's index and its lead over the next.
func top(p [numLabels]float64) (int, float64) {
	best, second := 0, -1
	for k := 1; k < numLabels; k++ {
		switch {
		case p[k] > p[best]:
			best, second = k, best
		case second < 0 || p[k] > p[second]:
			second = k
		}
	}
	return best, p[best] - p[second]
}

// Write stores the model as text: a header of key-value lines, then one
// line per feature with its name and one weight per label.
func (m *Model) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# advising work-sample classifier: written by cmd/advising-train; do not edit\n")
	fmt.Fprintf(bw, "version\t%s\n", m.version)
	fmt.Fprintf(bw, "margin\t%s\n", strconv.FormatFloat(m.margin, 'g', 4, 64))
	fmt.Fprintf(bw, "data\t%s\n", m.data)
	ls := make([]string, 0, numLabels)
	for _, l := range Labels() {
		ls = append(ls, string(l))
	}
	fmt.Fprintf(bw, "labels\t%s\n", strings.Join(ls, "\t"))
	fmt.Fprintf(bw, "bias%s\n", formatWeights(m.bias))
	for i, n := range m.names {
		fmt.Fprintf(bw, "%s%s\n", n, formatWeights(m.weights[i]))
	}
	return bw.Flush()
}

func formatWeights(w [numLabels]float64) string {
	var b strings.Builder
	for _, x := range w {
		b.WriteByte('\t')
		b.WriteString(strconv.FormatFloat(x, 'g', 4, 64))
	}
	return b.String()
}

// ReadModel parses a model written by Write.
func ReadModel(r io.Reader) (*Model, error) {
	m := &Model{}
	index := map[uint64]int32{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	header := true
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if header {
			switch f[0] {
			case "version", "margin", "data", "labels":
				if len(f) < 2 {
					return nil, fmt.Errorf("line %d: %s has no value", line, f[0])
				}
				var err error
				switch f[0] {
				case "version":
					m.version = f[1]
				case "margin":
					m.margin, err = strconv.ParseFloat(f[1], 64)
				case "data":
					m.data = f[1]
				case "labels":
					for k, l := range Labels() {
						if k+1 >= len(f) || f[k+1] != string(l) {
							return nil, fmt.Errorf("line %d: labels must be %v", line, Labels())
						}
					}
				}
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", line, err)
				}
				continue
			}
			header = false
		}
		if len(f) != numLabels+1 {
			return nil, fmt.Errorf("line %d: want a name and %d weights", line, numLabels)
		}
		var w [numLabels]float64
		for k := range w {
			x, err := strconv.ParseFloat(f[k+1], 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("line %d: bad weight %q", line, f[k+1])
			}
			w[k] = x
		}
		if f[0] == "bias" {
			m.bias = w
			continue
		}
		key := featureKey(f[0])
		if _, dup := index[key]; dup {
			return nil, fmt.Errorf("line %d: feature %q repeated", line, f[0])
		}
		index[key] = int32(len(m.names))
		m.names = append(m.names, f[0])
		m.weights = append(m.weights, w)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if m.version == "" {
		return nil, fmt.Errorf("no version line")
	}
	if _, zero := index[0]; zero {
		return nil, fmt.Errorf("a feature name hashes to zero")
	}
	m.table = newTable(index, m.weights)
	return m, nil
}
