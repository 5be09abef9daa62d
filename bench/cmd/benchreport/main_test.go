package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The canned inputs in testdata are hand-written in the formats of
// `go test -bench -benchmem -v` and bench/torch_bench.py, with round numbers
// so that every expected median, ratio and verdict below can be checked by
// hand:
//
//	gobench.txt      -count=3 for toy/forward and small/forward, 2 for
//	                 Batch/toy, 1 otherwise; large/forward and large/looped
//	                 skipped; no SumGrad/small or /medium, no Batch beyond toy.
//	gobench_slow.txt medium/looped, 2.9 s and 3.1 s.
//	torch.json       a few methods per case, some at both thread counts.

func loadGo(t *testing.T) *GoRun {
	t.Helper()
	var g *GoRun
	for _, name := range []string{"gobench.txt", "gobench_slow.txt"} {
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
		{"BenchmarkCossim/medium/adjoint", 1, 200000, 17, 8896, "params"}, // fractional B/op kept
		{"BenchmarkCossimSumGrad/toy", 1, 400, 0, 0, ""},                  // "400.0 ns/op"
		{"BenchmarkCossim/toy/looped", 1, 6000, 0, 12, "params"},          // plain integer
		{"BenchmarkCossim/medium/forward", 1, 1.6e8, 0, 8896, "params"},   // b.N = 1
		{"BenchmarkCossim/toy/adjoint", 1, 500, 0, 12, "params"},          // "500.0 ns/op"
		{"BenchmarkCossim/small/looped", 1, 3e7, 0, 688, "params"},        // b.N = 1
		{"BenchmarkCossim/large/forward", 0, 0, 0, 0, ""},                 // skipped
		{"BenchmarkCossim/large/looped", 0, 0, 0, 0, ""},                  // skipped
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
		{"mnist", "sumgrad", true, 0.03, 2, "sumgrad_autograd_leading", ""}, // format 2
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

	// Format 2's extra facts; format 1 records (no task, no thread counts) read as before.
	if tf.Format != 2 || tf.BLAS.OpenBLAS == nil || tf.BLAS.OpenBLAS.Corename != "SkylakeX" ||
		tf.BLAS.Kernel.CoretypeSet == nil || *tf.BLAS.Kernel.CoretypeSet != "SkylakeX" || tf.Threads.TorchDefault != 1 ||
		tf.Methods["sumgrad_autograd_leading"].Task != "sumgrad" {
		t.Errorf("format 2 header: %d %+v %+v %+v", tf.Format, tf.BLAS, tf.Threads, tf.Methods)
	}
	if r, _ := tf.Best("mnist", "sumgrad_autograd_leading"); r.Task != "sumgrad" || r.TorchThreads == nil || *r.TorchThreads != 2 || r.BLASThreads == nil || *r.BLASThreads != 2 {
		t.Errorf("format 2 record: %+v", r)
	}
	if r, _ := tf.Best("toy", "looped"); r.Task != "" || r.TorchThreads != nil || r.BLASThreads != nil {
		t.Errorf("format 1 record: %+v", r)
	}

	for _, c := range []struct{ name, in string }{
		{"not json", "{"},
		{"torch ran other threads", `{"results": [{"case": "toy", "method": "looped", "threads": 2, "torch_threads": 1, "median_s": 1}]}`},
		{"task not the method's", `{"methods": {"looped": {"task": "jac"}}, "results": [{"case": "toy", "task": "sumgrad", "method": "looped", "threads": 1, "median_s": 1}]}`},
		{"neither median nor skip", `{"results": [{"case": "toy", "method": "looped", "threads": 1}]}`},
		{"no method", `{"results": [{"case": "toy", "threads": 1, "median_s": 1}]}`},
		{"zero median", `{"results": [{"case": "toy", "method": "looped", "threads": 1, "median_s": 0}]}`},
	} {
		if _, err := ReadTorch(strings.NewReader(c.in)); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestBuild(t *testing.T) {
	rep, err := Build(loadGo(t), loadTorch(t), Cases())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Procs != 2 || len(rep.Cases) != len(Cases()) {
		t.Fatalf("procs %d, %d cases", rep.Procs, len(rep.Cases))
	}
	for _, c := range []struct {
		cs, best string
		bestSec  float64
	}{
		{"toy", "adjoint", 500e-9}, {"small", "adjoint", 20e-6}, {"medium", "adjoint", 200e-6}, {"large", "adjoint", 5e-3},
	} {
		cr := rep.Case(c.cs)
		if cr.Best != c.best || !approxEq(cr.BestTiming().Sec, c.bestSec) {
			t.Errorf("%s: best %s %v s, want %s %v s", c.cs, cr.Best, cr.BestTiming().Sec, c.best, c.bestSec)
		}
	}
	large := rep.Case("large")
	if tm := large.Go["forward"]; tm.OK() || !strings.Contains(tm.Skip, "67.4 GiB") {
		t.Errorf("large/forward: %+v, want skipped over the memory budget", tm)
	}
	if tm := large.Torch["functorch_fwd_fwd"]; tm.OK() || tm.Skip != "needs ~815 GB of tangents" {
		t.Errorf("large/functorch_fwd_fwd: %+v", tm)
	}
	if tm := rep.Case("small").Go["sumgrad"]; tm.OK() || tm.Skip != "not run" {
		t.Errorf("small/sumgrad: %+v, want not run", tm)
	}
	if tm := rep.Case("small").Torch["sumgrad"]; tm.OK() || tm.Skip != "not in the PyTorch timings" {
		t.Errorf("small torch sumgrad: %+v", tm)
	}
	if tm := rep.Case("toy").Go["batch"]; !approxEq(tm.Sec, 55e-6) || tm.Bytes != 8 || tm.Samples != 2 {
		t.Errorf("toy/batch: %+v", tm)
	}

	// Expected verdicts, by hand from the canned medians.
	want := []struct {
		issue          int
		cs, got, state string
	}{
		{6, "small", "30.0×", "PASS"},     // looped 30 ms ÷ forward 1 ms
		{6, "medium", "18.8×", "FAIL"},    // looped 3 s ÷ forward 160 ms = 18.75
		{6, "toy", "2000×", "PASS"},       // functorch 1 ms (1 thread) ÷ adjoint 500 ns
		{6, "small", "75.0×", "FAIL"},     // functorch 1.5 ms ÷ adjoint 20 µs, needs 100
		{6, "medium", "20.0×", "PASS"},    // functorch 4 ms (2 threads) ÷ adjoint 200 µs, needs 10
		{5, "large", "30.0×", "PASS"},     // functorch 150 ms ÷ adjoint 5 ms
		{5, "large", "18.0×", "FAIL"},     // best_torch 90 ms ÷ adjoint 5 ms
		{5, "large", "3.33×", "FAIL"},     // sumgrad 10 ms ÷ SumGrad 3 ms, needs 4
		{5, "all", "0 allocs/op", "PASS"}, // every allocs/op is 0
	}
	if len(rep.Verdicts) != len(want) {
		t.Fatalf("%d verdicts, want %d: %+v", len(rep.Verdicts), len(want), rep.Verdicts)
	}
	for i, w := range want {
		v := rep.Verdicts[i]
		if v.Issue != w.issue || v.Case != w.cs || v.Got != w.got || v.Status != w.state {
			t.Errorf("verdict %d: got issue %d %s %s %s (%s), want issue %d %s %s %s", i, v.Issue, v.Case, v.Got, v.Status, v.Target, w.issue, w.cs, w.got, w.state)
		}
	}
}

func TestBuildMissingAndAllocs(t *testing.T) {
	g := loadGo(t)
	g.Benches["BenchmarkCossimBatch/toy"].Values["allocs/op"] = []float64{3, 1}
	rep, err := Build(g, nil, Cases())
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, v := range rep.Verdicts {
		states = append(states, v.Status)
	}
	// Without PyTorch every comparison with it is NOT MEASURED; the allocation
	// check fails on Batch/toy's median of 2.
	want := []string{"PASS", "FAIL", "NOT MEASURED", "NOT MEASURED", "NOT MEASURED", "NOT MEASURED", "NOT MEASURED", "NOT MEASURED", "FAIL"}
	if !slices.Equal(states, want) {
		t.Errorf("states %q, want %q", states, want)
	}
	if last := rep.Verdicts[len(rep.Verdicts)-1]; last.Got != "2 allocs/op" || !strings.Contains(last.Detail, "BenchmarkCossimBatch/toy") {
		t.Errorf("alloc verdict %+v", last)
	}
}

func TestBuildErrors(t *testing.T) {
	g := loadGo(t)
	g.Benches["BenchmarkCossim/toy/looped"].Fail = true
	if _, err := Build(g, nil, Cases()); err == nil || !strings.Contains(err.Error(), "toy/looped") {
		t.Errorf("failed benchmark: error %v", err)
	}
	tf := loadTorch(t)
	c := tf.Cases["medium"]
	c.D = []int{8, 64, 64, 65}
	tf.Cases["medium"] = c
	if _, err := Build(loadGo(t), tf, Cases()); err == nil || !strings.Contains(err.Error(), "case medium") {
		t.Errorf("shape mismatch: error %v", err)
	}
}

func TestWriteMarkdown(t *testing.T) {
	tf := loadTorch(t)
	rep, err := Build(loadGo(t), tf, Cases())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	meta := Meta{
		Generated: at, GoStart: at, GoEnd: at.Add(time.Minute), Uname: "Linux test", CPU: "Test CPU", NumCPU: 2,
		GoVersion: "go version go1.26.8 linux/amd64", GoCommands: []string{"go test -bench=. ./bench/"}, GoRaw: "raw output\n",
		Torch: tf, TorchPath: "bench/testdata/torch_timings.json", TorchWhen: "some time", ReportCommand: "(cd bench/cmd/benchreport && go run .)", SVG: "benchmarks.svg",
	}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, rep, meta); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"| 6 | small | best engine faster than PyTorch functorch | ≥ 100× | 75.0× | functorch 1.50 ms ÷ adjoint 20.0 µs | **FAIL** |",
		"| 5 | large | full ∂s/∂θ_D in ≤ 1/20 of PyTorch functorch's time | ≥ 20.0× | 30.0× | functorch 150 ms ÷ adjoint 5.00 ms | PASS |",
		"| toy | 2 | 12 | adjoint | 500 ns | 2.73× | 2000× | – | 600× | – | – |", // looped 6 µs ÷ forward 2.2 µs; torch looped 300 µs ÷ 500 ns
		"| large | 16 | 271632 | adjoint | 5.00 ms | – | 30.0× | 18.0× | – | 3.33× | – |",
		"| dualgrad Batch | 64 latents: s, ∇Σ_bΣᵢsᵢ | 55.0 µs | 0 | 8 | 2 |  |",
		"| PyTorch functorch | s, ∂s/∂θ_D | 1.00 ms | | | 5 | 1 thread; functorch_rev_fwd |",
		"| PyTorch functorch | s, ∂s/∂θ_D | 4.00 ms | | | 1 | 2 threads; functorch_rev_fwd |",
		"| dualgrad looped | s, ∂s/∂θ_D | skipped | | | | looped makes (m+n)·P",
		"**Not the same run**",
		"measured 2026-01-02 03:04 UTC to 2026-01-02 03:05 UTC",
		"![median time per call against P_D",
		"| GOMAXPROCS (benchmarks) | 2 |",
		"go test -bench=. ./bench/\n",
		"raw output\n```",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	meta.TorchRun = true
	buf.Reset()
	if err := WriteMarkdown(&buf, rep, meta); err != nil {
		t.Fatal(err)
	}
	if md := buf.String(); strings.Contains(md, "Not the same run") || !strings.Contains(md, "the same run") {
		t.Errorf("-torch=run markdown does not say it is the same run")
	}
}

func TestWritePlot(t *testing.T) {
	rep, err := Build(loadGo(t), loadTorch(t), Cases())
	if err != nil {
		t.Fatal(err)
	}
	// Points leave out what was not measured: forward has no large point.
	fw := rep.Points(plotSeries()[0])
	if len(fw) != 3 || fw[2].X != 8896 || !approxEq(fw[2].Y, 0.16) {
		t.Errorf("forward points %v", fw)
	}
	var buf bytes.Buffer
	if err := WritePlot(&buf, rep); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	for _, want := range []string{"<svg", "dualgrad adjoint", "PyTorch functorch", "271632", "1 ms"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if err := WritePlot(&buf, &Report{Cases: []CaseReport{{Go: map[string]Timing{}, Torch: map[string]Timing{}}}}); err == nil {
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

func TestRunFlags(t *testing.T) {
	log := func(string, ...any) {}
	for _, args := range [][]string{{"-torch=maybe"}, {"-count=0"}, {"extra"}} {
		if err := run(args, log); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}

// approxEq reports whether a and b agree to 1e-12 relative.
func approxEq(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= 1e-12*max(1, b)
}

func TestSpeedTarget(t *testing.T) {
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
		v := speedTarget(5, "c", "t", c.need, ratio("A", c.a, "B", c.b), c.a, c.b)
		if v.Got != c.got || v.Status != c.state {
			t.Errorf("%v ÷ %v, need %v: got %s %s, want %s %s", c.a.Sec, c.b.Sec, c.need, v.Got, v.Status, c.got, c.state)
		}
	}
}
