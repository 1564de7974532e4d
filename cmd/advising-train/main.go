// Command advising-train trains the work-sample classifier's label model
// from labelled descriptions and writes it where package classify embeds it.
//
//	go run ./cmd/advising-train -version 2026.12.1
//
// reads ../shared/data/*.jsonl (one batch per `batch` field; the dev file is
// batch "dev") plus any -extra JSON Lines files (for example the office's
// overrides export from GET /api/v1/insights/overrides), measures the model
// leave-one-batch-out, calibrates the borderline margin on those held-out
// predictions, trains on everything and writes internal/classify/model.tsv.
// Same data, same options: same file. With -eval it only measures.
package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"advising/internal/classify"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "advising-train:", err)
		os.Exit(1)
	}
}

// Borderline calibration targets: at least this accuracy on the samples
// not marked, marking at most this share of them.
// The acceptance bar is 98% on unmarked samples with at most 15% marked;
// calibrating for more on held-out batches leaves room for text less like
// the batches.
const (
	wantUnmarkedAccuracy = 0.995
	maxMarkedShare       = 0.10
)

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("advising-train", flag.ContinueOnError)
	dataDir := fs.String("data", "../shared/data", "folder of labelled JSON Lines files (*.jsonl)")
	var extra multiFlag
	fs.Var(&extra, "extra", "a further labelled JSON Lines file, always trained on and never held out (repeatable)")
	out := fs.String("out", "internal/classify/model.tsv", "where to write the model")
	version := fs.String("version", classify.Version, "classifier version to record in the model")
	evalOnly := fs.Bool("eval", false, "measure leave-one-batch-out and write nothing")
	lambda := fs.Float64("lambda", 0, "L2 penalty (0: the default)")
	iters := fs.Int("iterations", 0, "optimiser steps (0: the default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	samples, err := classify.ReadSampleDir(*dataDir)
	if err != nil {
		return err
	}
	var always []string
	for _, p := range extra {
		batch := "extra:" + filepath.Base(p)
		s, err := classify.ReadSampleFile(p, batch)
		if err != nil {
			return err
		}
		samples = append(samples, s...)
		always = append(always, batch)
	}
	opt := classify.TrainOptions{Lambda: *lambda, Iterations: *iters, Version: *version}

	folds, err := classify.CrossValidate(samples, opt, always...)
	if err != nil {
		return err
	}
	var held []classify.Sample
	var preds []classify.Prediction
	for _, f := range folds {
		held = append(held, f.Samples...)
		preds = append(preds, f.Predictions...)
	}
	margin := classify.CalibrateMargin(held, preds, wantUnmarkedAccuracy, maxMarkedShare)
	report(stdout, folds, held, preds, margin)
	if *evalOnly {
		return nil
	}
	m, err := classify.Train(samples, opt)
	if err != nil {
		return err
	}
	m.SetMargin(margin)
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := m.Write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (version %s, %d samples)\n", *out, *version, len(samples))
	return nil
}

// report prints the held-out figures: per fold, overall, per label, and
// the borderline marker's effect.
func report(w io.Writer, folds []classify.Fold, held []classify.Sample, preds []classify.Prediction, margin float64) {
	fmt.Fprintln(w, "leave-one-batch-out (train on the others, measure on this one):")
	var accs []float64
	for _, f := range folds {
		right := 0
		for i, p := range f.Predictions {
			if p.Label == f.Samples[i].Label {
				right++
			}
		}
		acc := float64(right) / float64(len(f.Samples))
		accs = append(accs, acc)
		fmt.Fprintf(w, "  %-8s %3d/%3d  %5.1f%%\n", f.Batch, right, len(f.Samples), 100*acc)
	}
	var sum float64
	for _, a := range accs {
		sum += a
	}
	fmt.Fprintf(w, "  mean of folds %.1f%%, worst fold %.1f%%\n", 100*sum/float64(len(accs)), 100*slices.Min(accs))
	right, marked, markedRight := 0, 0, 0
	for i, p := range preds {
		ok := p.Label == held[i].Label
		if ok {
			right++
		}
		if p.Lead < margin {
			marked++
			if ok {
				markedRight++
			}
		}
	}
	fmt.Fprintf(w, "  all held-out: %d/%d %.1f%%\n", right, len(held), 100*float64(right)/float64(len(held)))
	hard, hardRight := 0, 0
	for i, p := range preds {
		if held[i].Hard {
			hard++
			if p.Label == held[i].Label {
				hardRight++
			}
		}
	}
	fmt.Fprintf(w, "  hard cases held-out: %d/%d %.1f%%\n", hardRight, hard, pct(hardRight, hard))
	fmt.Fprintln(w, "per label (held-out):  precision  recall")
	for _, l := range classify.Labels() {
		tp, fp, fn := 0, 0, 0
		for i, p := range preds {
			switch {
			case p.Label == l && held[i].Label == l:
				tp++
			case p.Label == l:
				fp++
			case held[i].Label == l:
				fn++
			}
		}
		fmt.Fprintf(w, "  %-24s %5.1f%%  %5.1f%%\n", l, pct(tp, tp+fp), pct(tp, tp+fn))
	}
	unmarked := len(held) - marked
	fmt.Fprintf(w, "borderline margin %.3f: marks %d (%.1f%%); unmarked accuracy %.1f%%; marked accuracy %.1f%%\n",
		margin, marked, pct(marked, len(held)), pct(right-markedRight, unmarked), pct(markedRight, marked))
	type miss struct{ id, want, got string }
	var misses []miss
	for i, p := range preds {
		if p.Label != held[i].Label {
			misses = append(misses, miss{held[i].ID, string(held[i].Label), string(p.Label)})
		}
	}
	slices.SortFunc(misses, func(a, b miss) int { return cmp.Compare(a.id, b.id) })
	fmt.Fprintf(w, "held-out misses (%d):", len(misses))
	for _, m := range misses {
		fmt.Fprintf(w, " %s(%s→%s)", m.id, short(m.want), short(m.got))
	}
	fmt.Fprintln(w)
}

func short(l string) string {
	switch l {
	case string(classify.TechnologyManagement):
		return "TM"
	case string(classify.EngineeringManagement):
		return "EM"
	case string(classify.Hybrid):
		return "HY"
	}
	return "IE"
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
