package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"advising/internal/classify"
)

// TestRun trains on a small labelled folder written in the shared data's
// format (two batches) plus an overrides export, and checks the report and
// the model it writes.
func TestRun(t *testing.T) {
	src, err := os.Open("../../internal/classify/testdata/probe_samples.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dir := t.TempDir()
	batches, err := os.Create(filepath.Join(dir, "work_samples_batches.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 0; sc.Scan() && n < 80; n++ {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		line["batch"] = []string{"p", "q"}[n%2]
		b, _ := json.Marshal(line)
		batches.Write(append(b, '\n'))
	}
	batches.Close()
	overrides := filepath.Join(dir, "overrides.jsonl")
	os.WriteFile(overrides, []byte(`{"title":"Kiosk roll-out","description":"I wrote the adoption plan for the kiosks and trained the super users in every branch.","automatic_label":"insufficient_evidence","effective_label":"technology_management","reason":"owned the adoption plan","classifier_version":"x"}`+"\n"), 0o600)
	out := filepath.Join(dir, "model.tsv")
	var report strings.Builder
	err = run([]string{"-data", dir, "-extra", overrides, "-out", out, "-version", "test.1", "-iterations", "30"}, &report)
	if err != nil {
		t.Fatalf("run error = %v; report:\n%s", err, report.String())
	}
	for _, want := range []string{"leave-one-batch-out", "  p ", "  q ", "mean of folds", "borderline margin", "wrote " + out} {
		if !strings.Contains(report.String(), want) {
			t.Errorf("run report lacks %q:\n%s", want, report.String())
		}
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := classify.ReadModel(f)
	if err != nil {
		t.Fatalf("ReadModel(written model) error = %v", err)
	}
	if m.Version() != "test.1" {
		t.Errorf("written model Version() = %q, want %q", m.Version(), "test.1")
	}

	if err := run([]string{"-data", filepath.Join(dir, "missing")}, &report); err == nil {
		t.Errorf("run(-data missing folder) error = nil, want an error")
	}
}
