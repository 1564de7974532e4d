package classify

import (
	"bytes"
	"strings"
	"testing"
)

// TestEmbeddedModelIsTrainedFromData retrains on the shared data with the
// default options and checks the result is, byte for byte, the embedded
// model: the weights in the repository are what the training command makes
// of the data, and nothing else.
func TestEmbeddedModelIsTrainedFromData(t *testing.T) {
	samples := loadShared(t)
	if got := digest(samples); got != learned.data {
		t.Fatalf("digest(shared data) = %s, but the embedded model was trained on %s: run go run ./cmd/advising-train", got, learned.data)
	}
	m, err := Train(samples, TrainOptions{Version: learned.version})
	if err != nil {
		t.Fatalf("Train(shared data) error = %v", err)
	}
	m.SetMargin(learned.margin)
	var b bytes.Buffer
	if err := m.Write(&b); err != nil {
		t.Fatalf("Model.Write error = %v", err)
	}
	if b.String() != embeddedModel {
		t.Errorf("Train(shared data) wrote a model (%d bytes) that differs from the embedded model.tsv (%d bytes): run go run ./cmd/advising-train",
			b.Len(), len(embeddedModel))
	}
}

// TestTrainIsReproducible: same data, same options, same bytes; and a
// written model reads back to the same predictions.
func TestTrainIsReproducible(t *testing.T) {
	samples := loadSamples(t, "testdata/extra_samples.jsonl")
	opt := TrainOptions{Version: "test", Iterations: 60}
	write := func() string {
		m, err := Train(samples, opt)
		if err != nil {
			t.Fatalf("Train(extra samples) error = %v", err)
		}
		var b bytes.Buffer
		if err := m.Write(&b); err != nil {
			t.Fatalf("Model.Write error = %v", err)
		}
		return b.String()
	}
	first, second := write(), write()
	if first != second {
		t.Fatalf("Train(extra samples) twice wrote different models (%d and %d bytes), want identical", len(first), len(second))
	}
	m, err := ReadModel(strings.NewReader(first))
	if err != nil {
		t.Fatalf("ReadModel(written model) error = %v", err)
	}
	var again bytes.Buffer
	if err := m.Write(&again); err != nil {
		t.Fatalf("Model.Write error = %v", err)
	}
	if again.String() != first {
		t.Errorf("ReadModel then Write changed the model, want a lossless round trip")
	}
	for _, s := range samples {
		if got := m.Predict(s.Title, s.Description); !got.Label.Valid() {
			t.Errorf("Predict(%s).Label = %q, want a valid label", s.ID, got.Label)
		}
	}
}

func TestReadModelRejectsDamage(t *testing.T) {
	good := "version\tv\nmargin\t0.1\ndata\tx\nlabels\ttechnology_management\tengineering_management\thybrid\tinsufficient_evidence\nbias\t0\t0\t0\t0\nw:plan\t1\t0\t0\t0\n"
	if _, err := ReadModel(strings.NewReader(good)); err != nil {
		t.Fatalf("ReadModel(good) error = %v, want nil", err)
	}
	for name, text := range map[string]string{
		"no version":     strings.Replace(good, "version\tv\n", "", 1),
		"wrong labels":   strings.Replace(good, "\thybrid\tinsufficient_evidence", "\tinsufficient_evidence\thybrid", 1),
		"short row":      good + "w:x\t1\t2\n",
		"bad weight":     good + "w:y\t1\tNaN\t0\t0\n",
		"repeated row":   good + "w:plan\t0\t1\t0\t0\n",
		"bad margin":     strings.Replace(good, "margin\t0.1", "margin\tsome", 1),
		"word not float": good + "w:z\t1\t2\tthree\t4\n",
	} {
		if _, err := ReadModel(strings.NewReader(text)); err == nil {
			t.Errorf("ReadModel(%s) error = nil, want an error", name)
		}
	}
}

func TestReadSamples(t *testing.T) {
	in := `{"id":"x1","batch":"b","title":"T","description":"D","label":"hybrid","hard":true}

{"title":"Override","description":"text","automatic_label":"technology_management","effective_label":"engineering_management","reason":"site work","classifier_version":"v"}
`
	got, err := ReadSamples(strings.NewReader(in), "office")
	if err != nil {
		t.Fatalf("ReadSamples error = %v", err)
	}
	want := []Sample{
		{ID: "x1", Batch: "b", Title: "T", Description: "D", Label: Hybrid, Hard: true},
		{ID: "office:3", Batch: "office", Title: "Override", Description: "text", Label: EngineeringManagement},
	}
	if len(got) != len(want) {
		t.Fatalf("ReadSamples = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ReadSamples[%d] = %+v, want %+v (the advisor's label is the one learned)", i, got[i], want[i])
		}
	}
	for name, bad := range map[string]string{
		"bad json":       `{"title":`,
		"unknown label":  `{"description":"d","label":"tm"}`,
		"no description": `{"title":"t","label":"hybrid"}`,
	} {
		if _, err := ReadSamples(strings.NewReader(bad), "x"); err == nil {
			t.Errorf("ReadSamples(%s) error = nil, want an error naming the line", name)
		}
	}
}

func TestCalibrateMargin(t *testing.T) {
	samples := make([]Sample, 10)
	preds := make([]Prediction, 10)
	for i := range samples {
		samples[i].Label = TechnologyManagement
		preds[i] = Prediction{Label: TechnologyManagement, Lead: float64(i+1) / 10}
	}
	// All right: nothing needs marking.
	if got := CalibrateMargin(samples, preds, 0.98, 0.2); got != 0 {
		t.Errorf("CalibrateMargin(all right) = %v, want 0", got)
	}
	// The two closest calls are wrong: marking them leaves the rest right.
	preds[0].Label, preds[1].Label = Hybrid, Hybrid
	got := CalibrateMargin(samples, preds, 0.98, 0.3)
	if got <= 0.2 || got >= 0.3 {
		t.Errorf("CalibrateMargin(two close misses) = %v, want between 0.2 and 0.3", got)
	}
	// A confident miss cannot be reached: the margin stops at the share.
	preds[9].Label = Hybrid
	got = CalibrateMargin(samples, preds, 0.98, 0.3)
	if got <= 0.3 || got >= 0.4 {
		t.Errorf("CalibrateMargin(confident miss, at most 30%% marked) = %v, want between 0.3 and 0.4", got)
	}
}

// TestBatchFit checks the embedded model on each batch it was trained on.
// These are fits, not estimates (docs/classifier.md quotes only held-out
// figures); the thresholds sit at what the model reaches (every sample), so
// that a regression in the reading or the features shows.
func TestBatchFit(t *testing.T) {
	all := loadShared(t)
	min := map[string]float64{"dev": 1, "a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1, "h": 1}
	for name, want := range min {
		t.Run(name, func(t *testing.T) {
			s := batch(all, name)
			if len(s) == 0 {
				t.Fatalf("batch %s has no samples in %s", name, sharedDataDir)
			}
			checkAccuracy(t, s, want)
		})
	}
}

// TestBorderline: the marker appears, and not on most samples.
func TestBorderline(t *testing.T) {
	samples := loadSamples(t, "testdata/probe_samples.jsonl")
	marked := 0
	for _, s := range samples {
		if Classify(s.Title, s.Description).Borderline {
			marked++
		}
	}
	if marked == 0 || marked > len(samples)/4 {
		t.Errorf("Classify(probe samples) marked %d of %d borderline, want some but at most a quarter", marked, len(samples))
	}
}
