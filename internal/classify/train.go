package classify

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Sample is one labelled description for training or measurement.
type Sample struct {
	ID          string
	Batch       string // the independently written batch it comes from
	Title       string
	Description string
	Label       Label
	// Hard marks a sample whose title, job title or vocabulary points away
	// from what the author owned (the shared data's `hard` field).
	Hard bool
}

// TrainOptions are the training command's settings. The zero value means
// the defaults, which docs/classifier.md explains.
type TrainOptions struct {
	// Lambda is the L2 penalty on the weights (not the biases). It is
	// small: the fixed number of steps from zero is what keeps the
	// weights modest (docs/classifier.md has the held-out comparison).
	Lambda float64
	// Iterations of full-batch Adam.
	Iterations int
	// MinDocs: a word feature must occur in at least this many training
	// descriptions to be kept.
	MinDocs int
	// Version is written into the model.
	Version string
}

func (o TrainOptions) withDefaults() TrainOptions {
	if o.Lambda == 0 {
		o.Lambda = 1e-6
	}
	if o.Iterations == 0 {
		o.Iterations = 300
	}
	if o.MinDocs == 0 {
		o.MinDocs = 2
	}
	return o
}

func labelIndex(l Label) int { return slices.Index(Labels(), l) }

// example is a sample read into feature indexes of one training run.
type example struct {
	idx    []int32
	val    []float64
	label  int
	weight float64
}

type extracted struct {
	fs    []feature
	names []string
}

func extract(s Sample) extracted {
	d := newDocument(s.Title, s.Description)
	ev := d.evaluate()
	fs, names := ev.features(true)
	return extracted{fs, names}
}

// Train fits a model to the samples. It is deterministic: the same samples
// in the same order with the same options give the same weights.
func Train(samples []Sample, o TrainOptions) (*Model, error) {
	o = o.withDefaults()
	if len(samples) == 0 {
		return nil, fmt.Errorf("no samples")
	}
	xs := make([]extracted, len(samples))
	for i, s := range samples {
		if !s.Label.Valid() {
			return nil, fmt.Errorf("sample %s: unknown label %q", s.ID, s.Label)
		}
		xs[i] = extract(s)
	}
	// Vocabulary: features in order of first appearance; word features
	// only when enough descriptions use them.
	docs := map[string]int{}
	var order []string
	for _, x := range xs {
		once := map[string]bool{}
		for _, n := range x.names {
			if once[n] {
				continue
			}
			once[n] = true
			if docs[n] == 0 {
				order = append(order, n)
			}
			docs[n]++
		}
	}
	vocab := map[string]int32{}
	var names []string
	for _, n := range order {
		if isWordFeature(n) && docs[n] < o.MinDocs {
			continue
		}
		vocab[n] = int32(len(names))
		names = append(names, n)
	}
	// Each label weighs the same in total, so the rarer labels (hybrid,
	// insufficient evidence) are not traded away for the common ones.
	var perLabel [numLabels]int
	for _, s := range samples {
		perLabel[labelIndex(s.Label)]++
	}
	exs := make([]example, len(samples))
	for i, x := range xs {
		ex := example{label: labelIndex(samples[i].Label)}
		ex.weight = 1 / float64(numLabels*perLabel[ex.label])
		for j, n := range x.names {
			if k, ok := vocab[n]; ok {
				ex.idx = append(ex.idx, k)
				ex.val = append(ex.val, x.fs[j].val)
			}
		}
		exs[i] = ex
	}
	w, b := fit(exs, len(names), o)
	m := &Model{version: o.Version, names: names, weights: w, bias: b, data: digest(samples)}
	index := make(map[uint64]int32, len(names))
	for i, n := range names {
		index[featureKey(n)] = int32(i)
	}
	m.table = newTable(index, m.weights)
	return m, nil
}

// fit minimises the weighted cross-entropy plus Lambda/2 times the squared
// weights with full-batch Adam, a fixed number of steps from zero.
func fit(exs []example, nf int, o TrainOptions) ([][numLabels]float64, [numLabels]float64) {
	const (
		rate  = 0.05
		beta1 = 0.9
		beta2 = 0.999
		eps   = 1e-8
	)
	n := nf + 1 // the last row is the bias
	w := make([][numLabels]float64, n)
	g := make([][numLabels]float64, n)
	m1 := make([][numLabels]float64, n)
	m2 := make([][numLabels]float64, n)
	for it := 1; it <= o.Iterations; it++ {
		for j := range g {
			g[j] = [numLabels]float64{}
		}
		for _, ex := range exs {
			z := w[nf]
			for t, j := range ex.idx {
				for k := range z {
					z[k] += w[j][k] * ex.val[t]
				}
			}
			p := softmax(z)
			p[ex.label]--
			for k := range p {
				p[k] *= ex.weight
			}
			for t, j := range ex.idx {
				for k := range p {
					g[j][k] += p[k] * ex.val[t]
				}
			}
			for k := range p {
				g[nf][k] += p[k]
			}
		}
		c1 := 1 - math.Pow(beta1, float64(it))
		c2 := 1 - math.Pow(beta2, float64(it))
		for j := range w {
			for k := range w[j] {
				gr := g[j][k]
				if j < nf {
					gr += o.Lambda * w[j][k]
				}
				m1[j][k] = beta1*m1[j][k] + (1-beta1)*gr
				m2[j][k] = beta2*m2[j][k] + (1-beta2)*gr*gr
				w[j][k] -= rate * (m1[j][k] / c1) / (math.Sqrt(m2[j][k]/c2) + eps)
			}
		}
	}
	return w[:nf], w[nf]
}

// digest names the training data: a hash over every sample's label, title
// and text, in order.
func digest(samples []Sample) string {
	h := sha256.New()
	for _, s := range samples {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", s.Label, s.Title, s.Description)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Prediction is a model's reading of one sample, for measurement.
type Prediction struct {
	Label Label
	// Lead is how far the label's probability is ahead of the next
	// label's. It stays inside measurement tools: results never carry it.
	Lead float64
}

// Predict labels a description with this model.
func (m *Model) Predict(title, description string) Prediction {
	d := newDocument(title, description)
	ev := d.evaluate()
	label, lead := m.decide(ev)
	return Prediction{Label: label, Lead: lead}
}

// SetMargin sets the borderline margin.
func (m *Model) SetMargin(x float64) { m.margin = x }

// Fold is one held-out batch of a cross-validation.
type Fold struct {
	Batch       string
	Samples     []Sample
	Predictions []Prediction
}

// CrossValidate trains on all batches but one and predicts the one left
// out, for each batch, in order of batch name. Samples whose batch is in
// alwaysTrain are never held out.
func CrossValidate(samples []Sample, o TrainOptions, alwaysTrain ...string) ([]Fold, error) {
	var batches []string
	for _, s := range samples {
		if !slices.Contains(batches, s.Batch) && !slices.Contains(alwaysTrain, s.Batch) {
			batches = append(batches, s.Batch)
		}
	}
	slices.SortFunc(batches, cmp.Compare)
	var folds []Fold
	for _, b := range batches {
		var train, test []Sample
		for _, s := range samples {
			if s.Batch == b {
				test = append(test, s)
			} else {
				train = append(train, s)
			}
		}
		m, err := Train(train, o)
		if err != nil {
			return nil, fmt.Errorf("fold %s: %w", b, err)
		}
		f := Fold{Batch: b, Samples: test}
		for _, s := range test {
			f.Predictions = append(f.Predictions, m.Predict(s.Title, s.Description))
		}
		folds = append(folds, f)
	}
	return folds, nil
}

// CalibrateMargin picks the borderline margin from held-out predictions:
// the smallest margin under which the unmarked predictions are at least
// wantAccuracy right, as long as no more than maxMarked of them are
// marked; past that share, the margin that marks exactly that share.
func CalibrateMargin(samples []Sample, preds []Prediction, wantAccuracy, maxMarked float64) float64 {
	type pt struct {
		lead  float64
		right bool
	}
	pts := make([]pt, len(preds))
	for i, p := range preds {
		pts[i] = pt{p.Lead, p.Label == samples[i].Label}
	}
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(a.lead, b.lead) })
	wrong := 0
	for _, p := range pts {
		if !p.right {
			wrong++
		}
	}
	limit := int(maxMarked * float64(len(pts)))
	for marked := 0; marked <= limit && marked < len(pts); marked++ {
		rest := len(pts) - marked
		if float64(rest-wrong)/float64(rest) >= wantAccuracy {
			if marked == 0 {
				return 0
			}
			return (pts[marked-1].lead + pts[marked].lead) / 2
		}
		if !pts[marked].right {
			wrong--
		}
	}
	if limit == 0 || limit >= len(pts) {
		return 0
	}
	return (pts[limit-1].lead + pts[limit].lead) / 2
}

// ReadSamples reads labelled descriptions from JSON Lines: the shared data
// files (`id`, `batch`, `title`, `description`, `label`) or the office's
// overrides export (`title`, `description`, `effective_label`, where the
// advisor's label is the one to learn). A line without a batch gets
// defaultBatch. Blank lines are skipped; anything else malformed is an
// error naming the line.
func ReadSamples(r io.Reader, defaultBatch string) ([]Sample, error) {
	type line struct {
		ID             string `json:"id"`
		Batch          string `json:"batch"`
		Title          string `json:"title"`
		Description    string `json:"description"`
		Label          Label  `json:"label"`
		EffectiveLabel Label  `json:"effective_label"`
		Hard           bool   `json:"hard"`
	}
	var out []Sample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if l.EffectiveLabel != "" {
			l.Label = l.EffectiveLabel
		}
		if !l.Label.Valid() {
			return nil, fmt.Errorf("line %d: invalid label %q", n, l.Label)
		}
		if l.Description == "" {
			return nil, fmt.Errorf("line %d: no description", n)
		}
		if l.Batch == "" {
			l.Batch = defaultBatch
		}
		if l.ID == "" {
			l.ID = fmt.Sprintf("%s:%d", defaultBatch, n)
		}
		out = append(out, Sample{ID: l.ID, Batch: l.Batch, Title: l.Title, Description: l.Description, Label: l.Label, Hard: l.Hard})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ReadSampleFile reads one JSON Lines file of labelled descriptions (see
// ReadSamples).
func ReadSampleFile(path, defaultBatch string) ([]Sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := ReadSamples(f, defaultBatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(s) == 0 {
		return nil, fmt.Errorf("%s: no samples", path)
	}
	return s, nil
}

// ReadSampleDir reads every *.jsonl file of dir in name order: the shared
// data folder, whose lines name their batch, and whose development file
// (`*_dev.jsonl`) is batch "dev".
func ReadSampleDir(dir string) ([]Sample, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no *.jsonl files in %s", dir)
	}
	slices.Sort(paths)
	var all []Sample
	for _, p := range paths {
		batch := strings.TrimSuffix(filepath.Base(p), ".jsonl")
		if strings.HasSuffix(batch, "_dev") {
			batch = "dev"
		}
		s, err := ReadSampleFile(p, batch)
		if err != nil {
			return nil, err
		}
		all = append(all, s...)
	}
	return all, nil
}
