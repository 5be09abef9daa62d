package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The canned inputs in testdata are hand-written in the formats of
// `go test -bench -benchmem -v` and bench/torch_bench.py (format 2), with
// round numbers so that every expected median, ratio and verdict below can
// be checked by hand:
//
//	gobench.txt          the pure-Go run: -count=3 for toy/forward and
//	                     small/forward, 2 for Batch/toy, 1 otherwise;
//	                     large and mnist forward and looped skipped; no
//	                     SumGrad/small or /medium; BatchJac for small,
//	                     medium and mnist, as bench_test.go has it.
//	gobench_slow.txt     medium/looped, 2.9 s and 3.1 s.
//	gobench_openblas.txt the second run (-gofile2): one sample each, faster;
//	                     Batch/mnist allocates once per op; BatchJac only
//	                     for medium.
//	torch.json           a few methods per case and task, some at both
//	                     thread counts, the summaries as torch_bench.py
//	                     derives them; no sumgrad on small, batch64_jac on
//	                     medium and mnist only; one method (sumgrad_future)
//	                     that benchreport does not list.

func parseFiles(t *testing.T, names ...string) *GoRun {
	t.Helper()
	var g *GoRun
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		part, err := ParseGoBench(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if g == nil {
			g = part
		} else {
			g.Merge(part)
		}
	}
	return g
}

// loadGo returns the primary (pure-Go) run; loadGo2 the openblas one.
func loadGo(t *testing.T) *GoRun  { return parseFiles(t, "gobench.txt", "gobench_slow.txt") }
func loadGo2(t *testing.T) *GoRun { return parseFiles(t, "gobench_openblas.txt") }

func loadTorch(t *testing.T) *TorchFile {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "torch.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tf, err := ReadTorch(f)
	if err != nil {
		t.Fatal(err)
	}
	return tf
}

// build reports the canned runs: the pure-Go one, with the openblas one if
// two is set, and the canned PyTorch timings.
func build(t *testing.T, two bool) *Report {
	t.Helper()
	in := Input{Go: []GoInput{{"pure Go", loadGo(t)}}, Torch: loadTorch(t), Cases: Cases()}
	if two {
		in.Go = append(in.Go, GoInput{"openblas", loadGo2(t)})
	}
	rep, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestParseGoBench(t *testing.T) {
	g := loadGo(t)
	if g.Goos != "linux" || g.Goarch != "amd64" || g.CPU != "AMD EPYC" || g.Pkg != "github.com/dualgrad/dualgrad/bench" {
		t.Errorf("header: got %q %q %q %q", g.Goos, g.Goarch, g.CPU, g.Pkg)
	}
	for _, c := range []struct {
		name           string
		samples        int
		ns, bytes, per float64 // medians of ns/op, B/op, and the custom metric
		metric         string
	}{
		{"BenchmarkCossim/toy/forward", 3, 2200, 0, 12, "params"},         // 2000, 2400, 2200
		{"BenchmarkCossim/small/forward", 3, 1e6, 0, 688, "params"},       // 1.2e6, 0.9e6, 1e6
		{"BenchmarkCossim/small/adjoint", 1, 20000, 16, 688, "params"},    // one sample
		{"BenchmarkCossimBatch/toy", 2, 55000, 8, 2, "workers"},           // (60000+50000)/2, (9+7)/2
		{"BenchmarkCossim/medium/looped", 2, 3e9, 0, 8896, "params"},      // from the slow file
		{"BenchmarkCossimSumGrad/large", 1, 3e6, 0, 0, ""},                // no custom metric
		{"BenchmarkCossim/large/adjoint", 1, 5e6, 0, 271632, "params"},    // 271632 params
		{"BenchmarkCossim/mnist/adjoint", 1, 8e6, 0, 322784, "params"},    // mnist
		{"BenchmarkCossim/medium/adjoint", 1, 200000, 17, 8896, "params"}, // fractional B/op kept
		{"BenchmarkCossimSumGrad/toy", 1, 400, 0, 0, ""},                  // "400.0 ns/op"
		{"BenchmarkCossim/toy/looped", 1, 6000, 0, 12, "params"},          // plain integer
		{"BenchmarkCossim/medium/forward", 1, 1.6e8, 0, 8896, "params"},   // b.N = 1
		{"BenchmarkCossim/toy/adjoint", 1, 500, 0, 12, "params"},          // "500.0 ns/op"
		{"BenchmarkCossim/small/looped", 1, 3e7, 0, 688, "params"},        // b.N = 1
		{"BenchmarkCossimBatchJac/mnist", 1, 1.5e9, 0, 0, ""},             // 1.5 s
		{"BenchmarkCossim/large/forward", 0, 0, 0, 0, ""},                 // skipped
		{"BenchmarkCossim/large/looped", 0, 0, 0, 0, ""},                  // skipped
		{"BenchmarkCossim/mnist/looped", 0, 0, 0, 0, ""},                  // skipped
	} {
		b, ok := g.Benches[c.name]
		if !ok {
			t.Errorf("%s: not parsed", c.name)
			continue
		}
		if got := len(b.Values["ns/op"]); got != c.samples {
			t.Errorf("%s: %d samples, want %d", c.name, got, c.samples)
		}
		if c.samples == 0 {
			if b.Skip == "" {
				t.Errorf("%s: no skip reason", c.name)
			}
			continue
		}
		if b.Procs != 2 {
			t.Errorf("%s: procs %d, want 2", c.name, b.Procs)
		}
		for _, u := range []struct {
			unit string
			want float64
		}{{"ns/op", c.ns}, {"B/op", c.bytes}, {"allocs/op", 0}, {c.metric, c.per}} {
			if u.unit == "" {
				continue
			}
			if got, _ := b.Median(u.unit); got != u.want {
				t.Errorf("%s: median %s = %v, want %v", c.name, u.unit, got, u.want)
			}
		}
	}
	// The skip reason is the t.Log text without the file:line prefix.
	if got, want := g.Benches["BenchmarkCossim/large/looped"].Skip, "looped makes (m+n)·P = 800·271,632 scalar passes over a 271k-parameter network: days per op"; got != want {
		t.Errorf("skip reason: got %q, want %q", got, want)
	}
	if got := g.Order[:3]; !slices.Equal(got, []string{"BenchmarkCossim/toy/forward", "BenchmarkCossim/toy/adjoint", "BenchmarkCossim/toy/looped"}) {
		t.Errorf("order starts %q", got)
	}
	if b := loadGo2(t).Benches["BenchmarkCossimBatch/mnist"]; b == nil || b.Values["allocs/op"][0] != 1 {
		t.Errorf("openblas Batch/mnist: %+v", b)
	}
}

func TestParseGoBenchLines(t *testing.T) {
	for _, c := range []struct {
		name, in string
		wantErr  bool
		check    func(*GoRun) bool
	}{
		{"no suffix means GOMAXPROCS 1", "BenchmarkX/a 10 5 ns/op\n", false,
			func(g *GoRun) bool {
				b := g.Benches["BenchmarkX/a"]
				return b != nil && b.Procs == 1 && len(b.Iters) == 1 && b.Iters[0] == 10
			}},
		{"suffix stripped", "BenchmarkX/a-8 10 5 ns/op\n", false,
			func(g *GoRun) bool { b := g.Benches["BenchmarkX/a"]; return b != nil && b.Procs == 8 }},
		{"failed benchmark", "BenchmarkX/a\n    x_test.go:3: boom\n--- FAIL: BenchmarkX/a\n", false,
			func(g *GoRun) bool { b := g.Benches["BenchmarkX/a"]; return b != nil && b.Fail }},
		{"log of a benchmark that ran is not a skip reason", "BenchmarkX/a\n    x_test.go:3: note\nBenchmarkX/a-2 10 5 ns/op\n", false,
			func(g *GoRun) bool { return g.Benches["BenchmarkX/a"].Skip == "" }},
		{"odd value/unit fields", "BenchmarkX-2 10 5 ns/op 3\n", true, nil},
		{"no ns/op", "BenchmarkX-2 10 5 B/op\n", true, nil},
		{"bad number", "BenchmarkX-2 10 5x ns/op\n", true, nil},
		{"other lines ignored", "PASS\nok  \tpkg\t1.0s\n=== RUN   TestX\n", false,
			func(g *GoRun) bool { return len(g.Benches) == 0 }},
	} {
		g, err := ParseGoBench(strings.NewReader(c.in))
		if (err != nil) != c.wantErr {
			t.Errorf("%s: error %v, want error %v", c.name, err, c.wantErr)
			continue
		}
		if err == nil && !c.check(g) {
			t.Errorf("%s: unexpected result %+v", c.name, g.Benches)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
		ok   bool
	}{
		{nil, 0, false},
		{[]float64{3}, 3, true},
		{[]float64{3, 1, 2}, 2, true},
		{[]float64{4, 1, 3, 2}, 2.5, true},
	} {
		in := slices.Clone(c.in)
		got, ok := median(in)
		if got != c.want || ok != c.ok {
			t.Errorf("median(%v) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
		if !slices.Equal(in, c.in) {
			t.Errorf("median(%v) reordered its input", c.in)
		}
	}
}

func TestReadTorch(t *testing.T) {
	tf := loadTorch(t)
	for _, c := range []struct {
		cs, method string
		ok         bool
		sec        float64
		threads    int
		variant    string
		skip       string
	}{
		{"toy", "functorch", true, 0.001, 1, "functorch_rev_fwd", ""}, // 1 thread beats 2
		{"medium", "functorch", true, 0.004, 2, "functorch_rev_fwd", ""},
		{"large", "functorch_fwd_fwd", true, 0, 1, "", "needs ~815 GB of tangents"},
		{"small", "sumgrad", false, 0, 0, "", ""},
		{"mnist", "sumgrad", true, 0.03, 2, "sumgrad_autograd_leading", ""},
		{"mnist", "batch64", true, 0.18, 2, "batch64_leading_rows", ""}, // the timed record beats the skipped one
		{"mnist", "functorch_fwd_fwd", true, 0, 1, "", "fails: NotImplementedError: forward AD with _log_softmax_backward_data"},
	} {
		r, ok := tf.Best(c.cs, c.method)
		if ok != c.ok {
			t.Errorf("%s/%s: ok %v, want %v", c.cs, c.method, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		var sec float64
		if r.MedianS != nil {
			sec = *r.MedianS
		}
		if sec != c.sec || r.Threads != c.threads || r.Variant != c.variant || r.Skipped != c.skip {
			t.Errorf("%s/%s: got %v s, %d threads, %q, skip %q", c.cs, c.method, sec, r.Threads, r.Variant, r.Skipped)
		}
	}

	// Format 2's facts.
	if tf.Format != 2 || tf.BLAS.OpenBLAS == nil || tf.BLAS.OpenBLAS.Corename != "SkylakeX" ||
		tf.BLAS.Kernel.CoretypeSet == nil || *tf.BLAS.Kernel.CoretypeSet != "SkylakeX" || tf.Threads.TorchDefault != 1 ||
		tf.Methods["sumgrad_autograd_leading"].Task != "sumgrad" || tf.Summaries["best_torch"].Task != "jac" ||
		!slices.Contains(tf.Summaries["batch64_jac"].FastestOf, "batch64_jac_persample") || tf.Tasks["batch64_jac"] == "" {
		t.Errorf("format 2 header: %d %+v %+v %+v %+v", tf.Format, tf.BLAS, tf.Threads, tf.Methods, tf.Summaries)
	}
	if r, _ := tf.Best("mnist", "sumgrad_autograd_leading"); r.Task != "sumgrad" || r.TorchThreads == nil || *r.TorchThreads != 2 || r.BLASThreads == nil || *r.BLASThreads != 2 {
		t.Errorf("format 2 record: %+v", r)
	}
	// mnist's Φ is a description, the dense cases' widths.
	if mn, md := tf.Cases["mnist"], tf.Cases["medium"]; !strings.HasPrefix(mn.Phi.Text, "1x28x28: Conv2d") || mn.Phi.Widths != nil ||
		!slices.Equal(mn.D.Widths, []int{20, 400, 784}) || mn.PD != 322784 || !slices.Equal(md.Phi.Widths, []int{64, 64, 1}) {
		t.Errorf("cases: mnist %+v, medium %+v", mn, md)
	}

	for _, c := range []struct{ name, in string }{
		{"not json", "{"},
		{"torch ran other threads", `{"results": [{"case": "toy", "method": "looped", "threads": 2, "torch_threads": 1, "median_s": 1}]}`},
		{"task not the method's", `{"methods": {"looped": {"task": "jac"}}, "results": [{"case": "toy", "task": "sumgrad", "method": "looped", "threads": 1, "median_s": 1}]}`},
		{"task not the summary's", `{"summaries": {"sumgrad": {"task": "sumgrad"}}, "results": [{"case": "toy", "task": "jac", "method": "sumgrad", "threads": 1, "median_s": 1}]}`},
		{"neither median nor skip", `{"results": [{"case": "toy", "method": "looped", "threads": 1}]}`},
		{"no method", `{"results": [{"case": "toy", "threads": 1, "median_s": 1}]}`},
		{"zero median", `{"results": [{"case": "toy", "method": "looped", "threads": 1, "median_s": 0}]}`},
		{"bad widths", `{"cases": {"toy": {"d": [1, "x"]}}}`},
	} {
		if _, err := ReadTorch(strings.NewReader(c.in)); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

// format1 is a file of the first format: no tasks, no thread counts per
// record, sumgrad and batch64 single methods, the BLAS only as libblas.so.3.
const format1 = `{"machine": {"blas": "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"},
 "results": [
  {"case": "toy", "method": "looped", "threads": 1, "median_s": 0.0003, "runs": [0.0003]},
  {"case": "toy", "method": "autograd_batched", "threads": 2, "median_s": 0.0002, "runs": [0.0002]},
  {"case": "toy", "method": "best_torch", "threads": 2, "median_s": 0.0002, "runs": [0.0002], "variant": "autograd_batched"},
  {"case": "toy", "method": "sumgrad", "threads": 1, "median_s": 0.001, "runs": [0.001]},
  {"case": "toy", "method": "sumgrad", "threads": 2, "median_s": 0.0009, "runs": [0.0009]},
  {"case": "toy", "method": "batch64", "threads": 1, "skipped": "canned"}]}`

func TestFastest(t *testing.T) {
	tf := loadTorch(t)
	f1, err := ReadTorch(strings.NewReader(format1))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tf             *TorchFile
		cs, task       string
		ok             bool
		sec            float64
		threads        int
		winner, skip   string
		summaryRecord  bool // the record is the task's summary
		unknownSummary bool
	}{
		{tf, "large", "jac", true, 0.09, 2, "autograd_batched", "", true, false},
		{tf, "mnist", "jac", true, 0.12, 2, "autograd_persample", "", true, false},
		{tf, "medium", "sumgrad", true, 0.0018, 2, "sumgrad_autograd_leading", "", true, false}, // not sumgrad_future's 2.5 ms
		{tf, "small", "sumgrad", false, 0, 0, "", "", false, false},
		{tf, "small", "batch64", true, 0.0019, 2, "batch64_leading_rows", "", true, false},
		{tf, "medium", "batch64_jac", true, 0.015, 2, "batch64_jac_vmap_rev_fwd", "", true, false},
		{tf, "large", "batch64_jac", false, 0, 0, "", "", false, false},
		{f1, "toy", "jac", true, 0.0002, 2, "autograd_batched", "", true, false},
		{f1, "toy", "sumgrad", true, 0.0009, 2, "sumgrad", "", true, false}, // a plain method then
		{f1, "toy", "batch64", true, 0, 1, "", "canned", true, false},
	} {
		r, ok := c.tf.Fastest(c.cs, c.task)
		if ok != c.ok {
			t.Errorf("%s/%s: ok %v, want %v", c.cs, c.task, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		var sec float64
		if r.MedianS != nil {
			sec = *r.MedianS
		}
		if sec != c.sec || r.Threads != c.threads || r.Variant != c.winner || r.Skipped != c.skip {
			t.Errorf("%s/%s: got %v s, %d threads, winner %q, skip %q", c.cs, c.task, sec, r.Threads, r.Variant, r.Skipped)
		}
	}
	// A task whose every method was skipped reports the summary's reason.
	allSkipped := `{"results": [
	  {"case": "large", "task": "batch64_jac", "method": "batch64_jac_looped", "threads": 1, "skipped": "too slow"},
	  {"case": "large", "task": "batch64_jac", "method": "batch64_jac", "threads": 1, "skipped": "every method skipped"}]}`
	as, err := ReadTorch(strings.NewReader(allSkipped))
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := as.Fastest("large", "batch64_jac"); !ok || r.MedianS != nil || r.Skipped != "every method skipped" {
		t.Errorf("all skipped: %+v", r)
	}
}

func TestOnOpenBLAS(t *testing.T) {
	if known, ob, desc := loadTorch(t).OnOpenBLAS(); !known || !ob || !strings.Contains(desc, "kernel SkylakeX (OPENBLAS_CORETYPE=SkylakeX)") {
		t.Errorf("format 2: %v %v %q", known, ob, desc)
	}
	for _, c := range []struct {
		in        string
		known, ob bool
	}{
		{format1, true, true},
		{`{"format": 2, "blas": {"loaded": ["/opt/mkl/libmkl_rt.so"]}}`, true, false},
		{`{"machine": {"blas": "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"}}`, true, false},
		{`{}`, false, false},
	} {
		tf, err := ReadTorch(strings.NewReader(c.in))
		if err != nil {
			t.Fatal(err)
		}
		if known, ob, desc := tf.OnOpenBLAS(); known != c.known || ob != c.ob {
			t.Errorf("%s: known %v, OpenBLAS %v (%q)", c.in, known, ob, desc)
		}
	}
}

// verdictWant is an expected verdict: the primary run's measurement and
// status and, if set, the second run's.
type verdictWant struct {
	issue, cs, task string
	got, state      string
	got2, state2    string
}

// wantVerdicts are the canned data's verdicts, by hand from the medians.
// Every PyTorch comparison is "not one run": the timings come from a file.
var wantVerdicts = []verdictWant{
	{"9", "mnist", "full ∂s/∂θ_D", "15.0×", "PASS", "20.0×", "PASS"},                    // best_torch 120 ms (2 threads) ÷ adjoint 8 ms; ÷ 6 ms
	{"9", "mnist", "Σ-gradient", "15.0×", "PASS", "30.0×", "PASS"},                      // sumgrad 30 ms ÷ SumGrad 2 ms; ÷ 1 ms
	{"9", "mnist", "batch of 64", "3.60×", "FAIL", "4.50×", "PASS"},                     // batch64 180 ms ÷ Batch 50 ms; ÷ 40 ms
	{"11", "large", "full ∂s/∂θ_D", "18.0×", "FAIL", "36.0×", "PASS"},                   // best_torch 90 ms ÷ adjoint 5 ms; ÷ 2.5 ms
	{"11", "large", "Σ-gradient", "3.33×", "FAIL", "10.0×", "PASS"},                     // sumgrad 10 ms ÷ 3 ms; ÷ 1 ms
	{"12", "small", "batch of 64", "19.0×", "FAIL", "21.1×", "PASS"},                    // 1.9 ms (2 threads) ÷ 100 µs, needs 20; ÷ 90 µs
	{"12", "medium", "batch of 64", "4.40×", "PASS", "8.80×", "PASS"},                   // 4.4 ms (2 threads) ÷ 1 ms; ÷ 500 µs
	{"12", "large", "batch of 64", "4.25×", "PASS", "5.67×", "PASS"},                    // 170 ms ÷ 40 ms; ÷ 30 ms
	{"12", "mnist", "batch of 64", "3.60×", "FAIL", "4.50×", "PASS"},                    // as issue 9's
	{"12", "medium", "full Jacobians", "3.00×", "FAIL", "5.00×", "PASS"},                // batch64_jac 15 ms ÷ Batch.Stream 5 ms; ÷ 3 ms
	{"9, 11, 12", "all", "0 allocations", "0 allocs/op", "PASS", "1 allocs/op", "FAIL"}, // openblas Batch/mnist allocates
}

func checkVerdicts(t *testing.T, vs []Verdict, want []verdictWant, runs int) {
	t.Helper()
	if len(vs) != len(want) {
		t.Fatalf("%d verdicts, want %d: %+v", len(vs), len(want), vs)
	}
	for i, w := range want {
		v := vs[i]
		if len(v.Runs) != runs {
			t.Errorf("verdict %d: %d runs, want %d", i, len(v.Runs), runs)
			continue
		}
		if v.Issue != w.issue || v.Case != w.cs || !strings.HasPrefix(v.Target, w.task) || v.Runs[0].Got != w.got || v.Runs[0].Status != w.state {
			t.Errorf("verdict %d: got issue %s %s %q %s %s, want issue %s %s %q %s %s", i, v.Issue, v.Case, v.Target, v.Runs[0].Got, v.Runs[0].Status, w.issue, w.cs, w.task, w.got, w.state)
		}
		if runs > 1 && (v.Runs[1].Got != w.got2 || v.Runs[1].Status != w.state2) {
			t.Errorf("verdict %d (%s %s) second run: got %s %s, want %s %s", i, v.Issue, v.Case, v.Runs[1].Got, v.Runs[1].Status, w.got2, w.state2)
		}
	}
}

func TestBuild(t *testing.T) {
	rep := build(t, true)
	if len(rep.Runs) != 2 || rep.Runs[0].Procs != 2 || rep.Runs[1].Label != "openblas" || len(rep.Cases) != len(Cases()) {
		t.Fatalf("runs %+v, %d cases", rep.Runs, len(rep.Cases))
	}
	if n := len(rep.Runs[0].Ran); n != 23 { // 11 Cossim, 3 SumGrad, 5 Batch, KernelRate, 3 BatchJac
		t.Errorf("%d benchmarks ran, want 23", n)
	}
	if k0, k1 := rep.Runs[0].KernelRate, rep.Runs[1].KernelRate; k0 != 50 || k1 != 0 {
		t.Errorf("kernel rates %g, %g; want 50 (canned) and 0 (not run)", k0, k1)
	}
	if r := rep.Case("large").Go[1].T["batch"].Rate; r != 90 {
		t.Errorf("openblas large batch rate %g, want 90 (canned)", r)
	}
	for _, c := range []struct {
		cs, best string
		bestSec  float64
	}{
		{"toy", "adjoint", 500e-9}, {"small", "adjoint", 20e-6}, {"medium", "adjoint", 200e-6}, {"large", "adjoint", 5e-3}, {"mnist", "adjoint", 8e-3},
	} {
		g := rep.Case(c.cs).Go[0]
		if g.Best != c.best || !approxEq(g.BestTiming().Sec, c.bestSec) {
			t.Errorf("%s: best %s %v s, want %s %v s", c.cs, g.Best, g.BestTiming().Sec, c.best, c.bestSec)
		}
	}
	large, mnist := rep.Case("large"), rep.Case("mnist")
	if tm := large.Go[0].T["forward"]; tm.OK() || !strings.Contains(tm.Skip, "67.4 GiB") {
		t.Errorf("large/forward: %+v, want skipped over the memory budget", tm)
	}
	if tm := mnist.Go[0].T["looped"]; tm.OK() || !strings.Contains(tm.Skip, "months per op") {
		t.Errorf("mnist/looped: %+v", tm)
	}
	if tm := large.Torch["functorch_fwd_fwd"]; tm.OK() || tm.Skip != "needs ~815 GB of tangents" {
		t.Errorf("large/functorch_fwd_fwd: %+v", tm)
	}
	if tm := rep.Case("small").Go[0].T["sumgrad"]; tm.OK() || tm.Skip != "not run" {
		t.Errorf("small/sumgrad: %+v, want not run", tm)
	}
	if tm := rep.Case("small").Fastest["sumgrad"]; tm.OK() || tm.Skip != "not in the PyTorch timings" {
		t.Errorf("small torch sumgrad: %+v", tm)
	}
	if tm := rep.Case("toy").Go[0].T["batch"]; !approxEq(tm.Sec, 55e-6) || tm.Bytes != 8 || tm.Samples != 2 || !tm.HasAllocs {
		t.Errorf("toy/batch: %+v", tm)
	}
	if tm := mnist.Go[0].T["batchjac"]; !approxEq(tm.Sec, 1.5) {
		t.Errorf("mnist/batchjac: %+v", tm)
	}
	if tm := mnist.Go[1].T["batchjac"]; tm.OK() || tm.Skip != "not run" {
		t.Errorf("openblas mnist/batchjac: %+v", tm)
	}
	if tm := mnist.Fastest["jac"]; tm.Sec != 0.12 || tm.Threads != 2 || tm.Method != "autograd_persample" || tm.Samples != 3 {
		t.Errorf("mnist fastest jac: %+v", tm)
	}
	if tm := mnist.Fastest["batch64_jac"]; tm.Sec != 6 || tm.Threads != 1 || tm.Method != "batch64_jac_persample" {
		t.Errorf("mnist fastest batch64_jac: %+v", tm)
	}
	// Rows: the methods with records, in torch_bench.py's order; a method
	// benchreport does not list joins its task's rows.
	med := rep.Case("medium")
	for task, want := range map[string][]string{
		"jac":         {"autograd_batched", "functorch_rev_fwd", "functorch"},
		"sumgrad":     {"sumgrad_autograd_leading", "sumgrad_future"},
		"batch64_jac": {"batch64_jac_persample", "batch64_jac_vmap_rev_fwd"},
	} {
		if got := med.TorchRows[task]; !slices.Equal(got, want) {
			t.Errorf("medium %s rows %q, want %q", task, got, want)
		}
	}
	if tm := med.Torch["sumgrad_future"]; tm.Sec != 0.0025 || tm.Method != "sumgrad_future" {
		t.Errorf("medium sumgrad_future: %+v", tm)
	}
	if !rep.TorchBLASKnown || !rep.TorchOpenBLAS || rep.SameRun {
		t.Errorf("BLAS known %v, OpenBLAS %v, same run %v", rep.TorchBLASKnown, rep.TorchOpenBLAS, rep.SameRun)
	}

	checkVerdicts(t, rep.Verdicts, wantVerdicts, 2)
	for i, v := range rep.Verdicts {
		torch := v.Case != "all"
		for ri, c := range v.Runs {
			if got := slices.Contains(c.Caveats, "not one run"); got != torch {
				t.Errorf("verdict %d run %d: caveats %q", i, ri, c.Caveats)
			}
		}
	}
	if c := rep.Verdicts[3].Runs[0]; c.Detail != "PyTorch fastest (autograd_batched, 2 threads) 90.0 ms ÷ adjoint 5.00 ms" || c.Verdict() != "FAIL (not one run)" {
		t.Errorf("large jac: %q, %q", c.Detail, c.Verdict())
	}
	if c := rep.Verdicts[10].Runs[1]; c.Detail != "median allocs/op: BenchmarkCossimBatch/mnist 1" {
		t.Errorf("openblas allocs: %q", c.Detail)
	}

	// Only the primary run: the same verdicts, one check each.
	checkVerdicts(t, build(t, false).Verdicts, wantVerdicts, 1)
}

func TestBuildCaveats(t *testing.T) {
	in := Input{Go: []GoInput{{"pure Go", loadGo(t)}, {"openblas", loadGo2(t)}}, Torch: loadTorch(t), Cases: Cases(), SameRun: true}
	rep, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	// One run for the primary; the second is always read from a file.
	if c := rep.Verdicts[0].Runs; len(c[0].Caveats) != 0 || c[0].Verdict() != "PASS" || !slices.Equal(c[1].Caveats, []string{"not one run"}) {
		t.Errorf("caveats %q and %q", c[0].Caveats, c[1].Caveats)
	}
	in.Torch.BLAS.OpenBLAS = nil
	if rep, err = Build(in); err != nil {
		t.Fatal(err)
	}
	if c := rep.Verdicts[0].Runs[0]; c.Verdict() != "PASS (PyTorch not on OpenBLAS)" {
		t.Errorf("not on OpenBLAS: %q", c.Verdict())
	}
	// NOT MEASURED has no caveats.
	if c := rep.Verdicts[0].Runs[0]; c.Status == "NOT MEASURED" && len(c.Caveats) > 0 {
		t.Errorf("NOT MEASURED with caveats %q", c.Caveats)
	}
}

func TestBuildMissingAndAllocs(t *testing.T) {
	g := loadGo(t)
	g.Benches["BenchmarkCossimBatch/toy"].Values["allocs/op"] = []float64{3, 1}
	rep, err := Build(Input{Go: []GoInput{{"pure Go", g}}, Cases: Cases()})
	if err != nil {
		t.Fatal(err)
	}
	// Without PyTorch every speed target is NOT MEASURED; the allocation
	// check fails on Batch/toy's median of 2.
	for i, v := range rep.Verdicts[:len(rep.Verdicts)-1] {
		if c := v.Runs[0]; c.Status != "NOT MEASURED" || c.Got != "–" || !strings.Contains(c.Detail, "PyTorch fastest not measured") {
			t.Errorf("verdict %d without PyTorch: %+v", i, c)
		}
	}
	if last := rep.Verdicts[len(rep.Verdicts)-1].Runs[0]; last.Status != "FAIL" || last.Got != "2 allocs/op" || last.Detail != "median allocs/op: BenchmarkCossimBatch/toy 2" {
		t.Errorf("alloc verdict %+v", last)
	}

	// Output without -benchmem cannot show 0 allocs/op.
	g = loadGo(t)
	delete(g.Benches["BenchmarkCossimSumGrad/toy"].Values, "allocs/op")
	rep, err = Build(Input{Go: []GoInput{{"pure Go", g}}, Cases: Cases()})
	if err != nil {
		t.Fatal(err)
	}
	if last := rep.Verdicts[len(rep.Verdicts)-1].Runs[0]; last.Status != "NOT MEASURED" || !strings.Contains(last.Detail, "BenchmarkCossimSumGrad/toy") {
		t.Errorf("alloc verdict without allocs/op: %+v", last)
	}
	if allocCheck(nil).Status != "NOT MEASURED" {
		t.Error("no benchmark: not NOT MEASURED")
	}

	// A missing case is NOT MEASURED, not left out.
	var cases []CaseInfo
	for _, c := range Cases() {
		if c.Name != "mnist" {
			cases = append(cases, c)
		}
	}
	rep, err = Build(Input{Go: []GoInput{{"pure Go", loadGo(t)}}, Torch: loadTorch(t), Cases: cases})
	if err != nil {
		t.Fatal(err)
	}
	if v := rep.Verdicts[0]; len(rep.Verdicts) != len(wantVerdicts) || v.Case != "mnist" || v.Runs[0].Status != "NOT MEASURED" || v.Runs[0].Detail != "no case mnist" {
		t.Errorf("without mnist: %d verdicts, first %+v", len(rep.Verdicts), v)
	}
}

func TestBuildErrors(t *testing.T) {
	g := loadGo(t)
	g.Benches["BenchmarkCossim/toy/looped"].Fail = true
	if _, err := Build(Input{Go: []GoInput{{"pure Go", g}}, Cases: Cases()}); err == nil || !strings.Contains(err.Error(), "toy/looped") {
		t.Errorf("failed benchmark: error %v", err)
	}
	g2 := loadGo2(t)
	g2.Benches["BenchmarkCossimBatch/mnist"].Fail = true
	if _, err := Build(Input{Go: []GoInput{{"pure Go", loadGo(t)}, {"openblas", g2}}, Cases: Cases()}); err == nil || !strings.Contains(err.Error(), "openblas: benchmark BenchmarkCossimBatch/mnist failed") {
		t.Errorf("failed benchmark in the second run: error %v", err)
	}
	if _, err := Build(Input{Cases: Cases()}); err == nil {
		t.Error("no Go run: no error")
	}
	for _, c := range []struct {
		cs     string
		change func(*TorchCase)
	}{
		{"medium", func(c *TorchCase) { c.D.Widths = []int{8, 64, 64, 65} }},
		{"mnist", func(c *TorchCase) { c.PD = 1 }},
	} {
		tf := loadTorch(t)
		tc := tf.Cases[c.cs]
		c.change(&tc)
		tf.Cases[c.cs] = tc
		if _, err := Build(Input{Go: []GoInput{{"pure Go", loadGo(t)}}, Torch: tf, Cases: Cases()}); err == nil || !strings.Contains(err.Error(), "case "+c.cs) {
			t.Errorf("%s shape mismatch: error %v", c.cs, err)
		}
	}
}

func testMeta(tf *TorchFile) Meta {
	at := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	return Meta{
		Generated: at, GoStart: at, GoEnd: at.Add(time.Minute), Uname: "Linux test", CPU: "Test CPU", NumCPU: 2,
		GoVersion: "go version go1.26.8 linux/amd64", GoCommands: []string{"go test -bench=. ./bench/"}, GoRaw: "raw output\n",
		Torch: tf, TorchPath: "bench/testdata/torch_timings.json", TorchWhen: "some time", ReportCommand: "(cd bench/cmd/benchreport && go run .)", SVG: "benchmarks.svg",
	}
}

// checkTables checks that every row of every markdown table has as many
// cells as its header.
func checkTables(t *testing.T, md string) {
	t.Helper()
	cells := func(line string) int { return strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1 }
	header := -1
	for i, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = -1
			continue
		}
		if header < 0 {
			header = cells(line)
			continue
		}
		if n := cells(line); n != header {
			t.Errorf("line %d has %d cells, its table %d: %s", i+1, n, header, line)
		}
	}
}

func TestWriteMarkdown(t *testing.T) {
	tf := loadTorch(t)
	rep := build(t, true)
	meta := testMeta(tf)
	meta.Go2File, meta.Go2Raw, meta.Go2Command = "bench/testdata/openblas.txt", "raw openblas output\n", "(make it)"
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, rep, meta); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	checkTables(t, md)
	for _, want := range []string{
		"on the 5 cases of [bench/cases.go](../bench/cases.go) (toy, small, medium, large, mnist)",
		"**pure Go** (the primary run, whose verdicts count) and openblas",
		"- Go benchmarks (openblas): read from `bench/testdata/openblas.txt`",
		"medians, in one run, against PyTorch's fastest method (on OpenBLAS)",
		"PyTorch's BLAS: OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64, kernel SkylakeX (OPENBLAS_CORETYPE=SkylakeX)",
		"Caveats: \"not one run\"",
		"| issue | case | target | needed | measured (pure Go) | from | verdict | measured (openblas) | verdict (openblas) |\n|---|---|---|---|---|---|---|---|---|\n",
		"| 9 | mnist | full ∂s/∂θ_D: dualgrad faster than PyTorch's fastest method | ≥ 10.0× | 15.0× | PyTorch fastest (autograd_persample, 2 threads) 120 ms ÷ adjoint 8.00 ms | PASS (not one run) | 20.0× | PASS (not one run) |",
		"| 11 | large | full ∂s/∂θ_D: dualgrad faster than PyTorch's fastest method | ≥ 20.0× | 18.0× | PyTorch fastest (autograd_batched, 2 threads) 90.0 ms ÷ adjoint 5.00 ms | **FAIL (not one run)** | 36.0× | PASS (not one run) |",
		"| 12 | small | batch of 64 (s, Σ-gradient): dualgrad faster than PyTorch's fastest method | ≥ 20.0× | 19.0× | PyTorch fastest (batch64_leading_rows, 2 threads) 1.90 ms ÷ Batch 100 µs | **FAIL (not one run)** | 21.1× | PASS (not one run) |",
		"| 12 | medium | full Jacobians for a batch of 64: dualgrad faster than PyTorch's fastest method | ≥ 4.00× | 3.00× | PyTorch fastest (batch64_jac_vmap_rev_fwd, 2 threads) 15.0 ms ÷ Batch.Stream 5.00 ms | **FAIL (not one run)** | 5.00× | PASS (not one run) |",
		"| 9, 11, 12 | all | 0 allocations per call after warm-up, in every Go benchmark that ran | 0 allocs/op | 0 allocs/op | median allocs/op is 0 in all 23 benchmarks that ran | PASS | 1 allocs/op (median allocs/op: BenchmarkCossimBatch/mnist 1) | **FAIL** |",
		// Per task: both runs, PyTorch's winner and threads, the ratios.
		"| case | m | P_D | dualgrad (pure Go) | dualgrad (openblas) | PyTorch fastest | PyTorch threads, method | PyTorch ÷ pure Go | PyTorch ÷ openblas | pure Go ÷ openblas |",
		"| large | 16 | 271632 | 5.00 ms (adjoint) | 2.50 ms (adjoint) | 90.0 ms | 2 threads, autograd_batched | 18.0× | 36.0× | 2.00× |",
		"| mnist | 20 | 322784 | 2.00 ms | 1.00 ms | 30.0 ms | 2 threads, sumgrad_autograd_leading | 15.0× | 30.0× | 2.00× |",
		"| toy | 2 | 12 | 55.0 µs | 70.0 µs | 2.00 ms | 1 thread, batch64_leading_rows | 36.4× | 28.6× | 0.79× |",
		"| mnist | 20 | 322784 | 1.50 s | – | 6.00 s | 1 thread, batch64_jac_persample | 4.00× | – | – |",
		"| small | 4 | 688 | – | – | – | – | – | – | – |", // Σ-gradient: neither side
		// Other ratios, informative.
		"| toy | adjoint | 500 ns | 2.73× | 2000× | 600× |", // looped 6 µs ÷ forward 2.2 µs; functorch 1 ms; torch looped 300 µs
		"| medium | adjoint | 200 µs | 18.8× | 20.0× | – |",
		// Per case: both runs' medians and allocs, PyTorch's threads and method.
		"| s, ∂s/∂θ_D | dualgrad adjoint | 8.00 ms | 6.00 ms | 0 | 0 | 0 | 1 | | best engine (pure Go); best engine (openblas) |",
		"| s, ∂s/∂θ_D | dualgrad looped | skipped | skipped | | | | | | looped makes (m+n)·P = 804·322,784",
		"| 64 latents: s, ∇Σ_bΣᵢsᵢ | dualgrad Batch (Eval, SumGrad) | 50.0 ms | 40.0 ms | 0 | 1 | 0 | 1 | |  |",
		"| 64 latents: s, ∂s/∂θ_D each | dualgrad Batch.Stream | 1.50 s | skipped | 0 | | 0 | 1 | | openblas: not run |",
		"| 64 latents: s, ∂s/∂θ_D each | dualgrad Batch.Stream | skipped | skipped | | | | | | not run |", // both runs, one reason
		"| s, ∂s/∂θ_D | PyTorch autograd_persample | 120 ms | | | | | 3 | 2 threads, autograd_persample | |",
		"| s, ∂s/∂θ_D | PyTorch functorch_fwd_fwd | skipped | | | | | | – | fails: NotImplementedError",
		"| s, ∂s/∂θ_D | **PyTorch fastest** | 120 ms | | | | | 3 | 2 threads, autograd_persample | |",
		"| ∇Σᵢsᵢ | PyTorch sumgrad_future | 2.50 ms | | | | | 3 | 1 thread, sumgrad_future | |",
		"| ∇Σᵢsᵢ | **PyTorch fastest** | skipped | | | | | | – | not in the PyTorch timings |",
		"| s, ∂s/∂θ_D | PyTorch functorch (fastest torch.func) | 1.00 ms | | | | | 5 | 1 thread, functorch_rev_fwd | |",
		"### mnist: m = 20, n = 784, D the VAE decoder",
		"| GOMAXPROCS (benchmarks, openblas) | 2 |",
		"| PyTorch's BLAS | OpenBLAS 0.3.21",
		"| OpenBLAS kernel choice | OpenBLAS detects Haswell",
		"torch's default 1",
		"dotted: dualgrad (openblas)",
		"The openblas run's output `bench/testdata/openblas.txt` can be made with\n\n```sh\n(make it)\n```",
		"**Not the same run**",
		"measured 2026-01-02 03:04 UTC to 2026-01-02 03:05 UTC",
		"![median time per call for each case",
		"go test -bench=. ./bench/\n",
		// Products' rate: the pure-Go run has the kernels' rate, openblas not.
		"| | one thread, 256³ | 50.0 | × 2 threads = 100.0 | not run | |",
		"| large | 64 latents: s, ∇Σ_bΣᵢsᵢ | 80.0 | 80 % | 90.0 | |",
		"| medium | 64 latents: s, ∂s/∂θ_D each | 5.0 | 5 % | | |",
		"## Raw Go benchmark output (pure Go)",
		"raw output\n```",
		"## Raw Go benchmark output (openblas)",
		"raw openblas output\n```",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	// The old targets are gone from the verdicts.
	for _, old := range []string{"| 5 | large", "| 6 | small", "| 6 | medium", "| 6 | toy", "| 5 | all"} {
		if strings.Contains(md, old) {
			t.Errorf("markdown has %q", old)
		}
	}

	// One run, the same run as PyTorch's: no second columns, no caveats.
	in := Input{Go: []GoInput{{"pure Go", loadGo(t)}}, Torch: tf, Cases: Cases(), SameRun: true}
	rep1, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	meta = testMeta(tf)
	meta.TorchRun = true
	buf.Reset()
	if err := WriteMarkdown(&buf, rep1, meta); err != nil {
		t.Fatal(err)
	}
	md = buf.String()
	checkTables(t, md)
	if strings.Contains(md, "Not the same run") || !strings.Contains(md, "the same run") {
		t.Errorf("-torch=run markdown does not say it is the same run")
	}
	for _, want := range []string{
		"| issue | case | target | needed | measured (pure Go) | from | verdict |\n|---|---|---|---|---|---|---|\n",
		"| 9 | mnist | full ∂s/∂θ_D: dualgrad faster than PyTorch's fastest method | ≥ 10.0× | 15.0× | PyTorch fastest (autograd_persample, 2 threads) 120 ms ÷ adjoint 8.00 ms | PASS |",
		"| 11 | large | Σ-gradient ∇Σᵢsᵢ: dualgrad faster than PyTorch's fastest method | ≥ 4.00× | 3.33× | PyTorch fastest (sumgrad_autograd_leading, 1 thread) 10.0 ms ÷ SumGrad 3.00 ms | **FAIL** |",
		"| large | 16 | 271632 | 5.00 ms (adjoint) | 90.0 ms | 2 threads, autograd_batched | 18.0× |",
		"| s, ∂s/∂θ_D | dualgrad adjoint | 8.00 ms | 0 | 0 | 1 | | best engine |",
		"| s, ∂s/∂θ_D | **PyTorch fastest** | 120 ms | | | 3 | 2 threads, autograd_persample | |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("one-run markdown lacks %q", want)
		}
	}
	for _, bad := range []string{"openblas)", "not one run", "Caveats"} {
		if strings.Contains(md, bad) {
			t.Errorf("one-run markdown has %q", bad)
		}
	}
}

func TestWritePlot(t *testing.T) {
	rep := build(t, true)
	ss := plotSeries(rep)
	// Points leave out what was not measured: forward has no large or mnist point.
	fw := rep.Points(ss[0])
	if len(fw) != 3 || fw[2].X != 2 || !approxEq(fw[2].Y, 0.16) {
		t.Errorf("forward points %v", fw)
	}
	var labels []string
	for _, s := range ss {
		labels = append(labels, s.label)
	}
	if !slices.Contains(labels, "dualgrad (openblas) adjoint") || !slices.Contains(labels, "PyTorch fastest (full ∂s/∂θ_D)") {
		t.Errorf("series %q", labels)
	}
	var buf bytes.Buffer
	if err := WritePlot(&buf, rep); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	for _, want := range []string{"<svg", "dualgrad (pure Go) adjoint", "dualgrad (openblas) SumGrad", "PyTorch functorch", "P_D 271632", "P_D 322784", "1 ms"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if labels := plotSeries(build(t, false)); labels[0].label != "dualgrad forward" || len(labels) != 8 {
		t.Errorf("one run: %d series, first %q", len(labels), labels[0].label)
	}
	empty := &Report{Runs: []RunInfo{{Label: "pure Go"}}, Cases: []CaseReport{{Go: []GoTimings{{T: map[string]Timing{}}}, Torch: map[string]Timing{}, Fastest: map[string]Timing{}}}}
	if err := WritePlot(&buf, empty); err == nil {
		t.Error("an empty plot: no error")
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{fmtDur(423e-9), "423 ns"},
		{fmtDur(11.9e-6), "11.9 µs"},
		{fmtDur(1.5e-3), "1.50 ms"},
		{fmtDur(9.25), "9.25 s"},
		{fmtDur(0), "–"},
		{fmtX(2644.4), "2644×"},
		{fmtX(15.27), "15.3×"},
		{fmtX(3.284), "3.28×"},
		{fmtBytes(17), "17"},
		{fmtBytes(8.5), "8.5"},
		{fmtPow(-9), "1 ns"},
		{fmtPow(-5), "10 µs"},
		{fmtPow(-1), "100 ms"},
		{fmtPow(2), "100 s"},
		{fmtPow(-10), "0.1 ns"},
		{shellQuote("-count=5"), "-count=5"},
		{shellQuote("-bench=^A$/b"), "'-bench=^A$/b'"},
		{shellQuote("it's"), `'it'\''s'`},
		{arrows([]int{4, 32, 16}), "4→32→16"},
		{mdEscape("a|b\nc"), `a\|b c`},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestGoCommands(t *testing.T) {
	c := config{count: 5, benchtime: "200ms", slow: "^A$/^b$", slowCount: 3, slowBenchtime: "1x"}
	got := goCommands(c)
	want := [][]string{
		{"go", "test", "-run=NONE", "-benchmem", "-v", "-bench=.", "-skip=^A$/^b$", "-count=5", "-benchtime=200ms", "./bench/"},
		{"go", "test", "-run=NONE", "-benchmem", "-v", "-bench=^A$/^b$", "-count=3", "-benchtime=1x", "./bench/"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %q, want %q", got, want)
	}
	c.slow = ""
	if got := goCommands(c); len(got) != 1 || slices.Contains(got[0], "-skip=") {
		t.Errorf("without -slow: %q", got)
	}
}

func TestGo2Command(t *testing.T) {
	c := config{count: 5, benchtime: "200ms", goFile2: "/tmp/ob.txt"}
	if got, want := go2Command(c), "(cd bench/cmd/benchreport && CGO_LDFLAGS=-lopenblas go run . -tags openblas -torch=none -out '' -svg '' -saveraw /tmp/ob.txt)"; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	c.count, c.benchtime = 3, "1s"
	if got := go2Command(c); !strings.HasSuffix(got, "-saveraw /tmp/ob.txt -count=3 -benchtime=1s)") {
		t.Errorf("got %s", got)
	}
}

func TestRunFlags(t *testing.T) {
	log := func(string, ...any) {}
	for _, args := range [][]string{{"-torch=maybe"}, {"-count=0"}, {"extra"}, {"-gofile2=x", "-label2=pure Go"}, {"-gofile2=x", "-label2="}} {
		if err := run(args, log); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}

// TestRun runs the command on the canned files: -gofile, -gofile2 and
// -torchjson, writing into a temporary directory.
func TestRun(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(wd) // run changes to the repository root; this restores it
	abs := func(name string) string { return filepath.Join(wd, "testdata", name) }
	dir := t.TempDir()
	both := filepath.Join(dir, "both.txt")
	var pure []byte
	for _, name := range []string{"gobench.txt", "gobench_slow.txt"} {
		data, err := os.ReadFile(abs(name))
		if err != nil {
			t.Fatal(err)
		}
		pure = append(pure, data...)
	}
	if err := os.WriteFile(both, pure, 0o644); err != nil {
		t.Fatal(err)
	}
	out, svg := filepath.Join(dir, "docs", "b.md"), filepath.Join(dir, "docs", "b.svg")
	var logged []string
	log := func(format string, args ...any) { logged = append(logged, strings.TrimSpace(fmtS(format, args...))) }
	args := []string{"-gofile", both, "-gofile2", abs("gobench_openblas.txt"), "-torchjson", abs("torch.json"), "-out", out, "-svg", svg}
	if err := run(args, log); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"- Go benchmarks (pure Go): read from `" + both + "`",
		"- Go benchmarks (openblas): read from `" + abs("gobench_openblas.txt") + "`",
		"](b.svg)",
		"CGO_LDFLAGS=-lopenblas go run . -tags openblas -torch=none -out '' -svg '' -saveraw " + abs("gobench_openblas.txt"),
		"| 11 | large | full ∂s/∂θ_D",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if st, err := os.Stat(svg); err != nil || st.Size() == 0 {
		t.Errorf("svg: %v", err)
	}
	if len(logged) != len(wantVerdicts)+1 || !strings.Contains(logged[3], "issue 11") || !strings.Contains(logged[3], "FAIL (not one run)") || !strings.Contains(logged[3], "openblas: PASS (not one run) 36.0×") {
		t.Errorf("log %q", logged)
	}
}

func fmtS(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// approxEq reports whether a and b agree to 1e-12 relative.
func approxEq(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= 1e-12*max(1, b)
}

func TestSpeedCheck(t *testing.T) {
	ms := func(v float64) Timing { return Timing{Sec: v} } // exact ratios: 20 ÷ 1 is 20
	for _, c := range []struct {
		a, b       Timing
		need       float64
		got, state string
	}{
		{ms(20), ms(1), 20, "20.0×", "PASS"},    // exactly the target passes
		{ms(19.98), ms(1), 20, "20.0×", "FAIL"}, // rounds to 20.0× but is short of it
		{ms(400), ms(1), 4, "400×", "PASS"},
		{ms(3.9), ms(1), 4, "3.90×", "FAIL"},
		{Timing{Skip: "x"}, ms(1), 4, "–", "NOT MEASURED"},
		{ms(1), Timing{Skip: "x"}, 4, "–", "NOT MEASURED"},
	} {
		v := speedCheck(c.need, ratio("A", c.a, "B", c.b), c.a, c.b)
		if v.Got != c.got || v.Status != c.state {
			t.Errorf("%v ÷ %v, need %v: got %s %s, want %s %s", c.a.Sec, c.b.Sec, c.need, v.Got, v.Status, c.got, c.state)
		}
	}
}

// TestStampLine checks the stamp line that -saveraw writes before a run:
// ParseGoBench reads back when the run was measured, refuses a malformed
// stamp, and the report's When section quotes it for a saved run.
func TestStampLine(t *testing.T) {
	start := time.Date(2026, 12, 1, 18, 31, 12, 0, time.UTC)
	end := start.Add(8*time.Minute + 28*time.Second)
	g, err := ParseGoBench(strings.NewReader(stampLine(start, end) + "goos: linux\nBenchmarkX-2 \t 10\t 5 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !g.Start.Equal(start) || !g.End.Equal(end) || g.Goos != "linux" || len(g.Benches) != 1 {
		t.Errorf("parsed %v to %v, goos %q, %d benchmarks; want %v to %v, linux, 1", g.Start, g.End, g.Goos, len(g.Benches), start, end)
	}
	if _, err := ParseGoBench(strings.NewReader(stampPrefix + "18:31 to 18:39\n")); err == nil {
		t.Error("a stamp line without RFC 3339 times was accepted")
	}
	if got, want := measured(start, end), ", measured 2026-12-01 18:31 UTC to 18:39 UTC"; got != want {
		t.Errorf("measured = %q, want %q", got, want)
	}
	late := time.Date(2026, 12, 1, 23, 58, 59, 0, time.UTC) // a run across midnight, as docs/benchmarks.md's openblas one
	if got, want := measured(late, late.Add(4*time.Minute)), ", measured 2026-12-01 23:58 UTC to 2026-12-02 00:02 UTC"; got != want {
		t.Errorf("measured across midnight = %q, want %q", got, want)
	}
	if got := measured(time.Time{}, time.Time{}); got != "" {
		t.Errorf("measured of an unstamped run = %q, want empty", got)
	}
}
