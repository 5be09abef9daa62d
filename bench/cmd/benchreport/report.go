package main

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dualgrad/dualgrad/bench"
)

// CaseInfo is one benchmark case's shape.
type CaseInfo struct {
	Name     string
	M, N     int
	D, Phi   []int // widths
	PD, PPhi int   // parameter counts of D and Φ
	Act      string
	Desc     string // the networks of a case without dense widths
}

// Cases returns the shapes of bench.Cases.
func Cases() []CaseInfo {
	var out []CaseInfo
	for _, c := range bench.Cases {
		p, _ := c.Problem()
		out = append(out, CaseInfo{
			Name: c.Name, M: c.M, N: p.N(), D: c.D, Phi: c.Phi,
			PD: p.D.NumParams(), PPhi: p.Phi.NumParams(), Act: c.Act.String(), Desc: c.Desc,
		})
	}
	return out
}

// Timing is one implementation's median time on one case, or why it has
// none.
type Timing struct {
	Sec     float64 // median seconds per call; 0 if not measured
	Skip    string  // why it was not measured
	Samples int     // Go: -count repetitions; PyTorch: timed runs
	// Go: the medians of allocs/op and B/op, and whether the output had them.
	Allocs, Bytes float64
	HasAllocs     bool
	// Go: the median of the GFLOP/s metric, the products' rate (0 if the
	// benchmark did not report it).
	Rate float64
	// PyTorch: the thread count of the fastest record, and the method timed
	// (for a task's fastest or a summary, the method that won).
	Threads int
	Method  string
}

// OK reports whether t holds a measurement.
func (t Timing) OK() bool { return t.Sec > 0 }

// task is one of the quantities timed on both sides.
type task struct {
	key   string // torch_bench.py's task
	title string
	what  string // the "computes" column
}

var tasks = []task{
	{"jac", "full ∂s/∂θ_D", "s, ∂s/∂θ_D"},
	{"sumgrad", "Σ-gradient ∇Σᵢsᵢ", "∇Σᵢsᵢ"},
	{"batch64", "batch of 64 (s, Σ-gradient)", "64 latents: s, ∇Σ_bΣᵢsᵢ"},
	{"batch64_jac", "full Jacobians for a batch of 64", "64 latents: s, ∂s/∂θ_D each"},
}

func taskNamed(key string) task {
	for _, t := range tasks {
		if t.key == key {
			return t
		}
	}
	return task{key: key, title: key, what: key}
}

// A Go row of a case's table: a benchmark and the task it times.
type row struct {
	key, label, task string
	bench            string // the benchmark name, with %s for the case
}

// goRows are the dualgrad benchmarks, in table order.
var goRows = []row{
	{key: "forward", label: "dualgrad forward", task: "jac", bench: "BenchmarkCossim/%s/forward"},
	{key: "adjoint", label: "dualgrad adjoint", task: "jac", bench: "BenchmarkCossim/%s/adjoint"},
	{key: "looped", label: "dualgrad looped", task: "jac", bench: "BenchmarkCossim/%s/looped"},
	{key: "sumgrad", label: "dualgrad SumGrad", task: "sumgrad", bench: "BenchmarkCossimSumGrad/%s"},
	{key: "batch", label: "dualgrad Batch (Eval, SumGrad)", task: "batch64", bench: "BenchmarkCossimBatch/%s"},
	{key: "batchjac", label: "dualgrad Batch.Stream", task: "batch64_jac", bench: "BenchmarkCossimBatchJac/%s"},
}

// kernelRateBench is the benchmark of the products' full-speed rate.
const kernelRateBench = "BenchmarkKernelRate"

// fullEngines compute the full Jacobian; the best of them is "the best engine".
var fullEngines = []string{"forward", "adjoint", "looped"}

// GoTimings are one Go run's timings on one case.
type GoTimings struct {
	T    map[string]Timing // by goRows key
	Best string            // the fastest full-Jacobian engine; "" if none ran
}

// BestTiming returns the fastest full-Jacobian engine's timing.
func (g GoTimings) BestTiming() Timing {
	if g.Best == "" {
		return Timing{Skip: "no engine ran"}
	}
	return g.T[g.Best]
}

// Task returns the timing of the task and a short name of what timed it:
// the best engine for the full Jacobian.
func (g GoTimings) Task(key string) (string, Timing) {
	switch key {
	case "jac":
		return orDash(g.Best), g.BestTiming()
	case "sumgrad":
		return "SumGrad", g.T["sumgrad"]
	case "batch64":
		return "Batch", g.T["batch"]
	case "batch64_jac":
		return "Batch.Stream", g.T["batchjac"]
	}
	return key, Timing{Skip: "unknown task " + key}
}

// CaseReport holds one case's timings.
type CaseReport struct {
	CaseInfo
	Go []GoTimings // one per Go run, as Report.Runs
	// Torch holds PyTorch's timings by method, each at its faster thread
	// count; TorchRows lists the methods to show, by task ("" for methods
	// of no known task).
	Torch     map[string]Timing
	TorchRows map[string][]string
	// Fastest holds PyTorch's fastest method of each task.
	Fastest map[string]Timing
}

// GoInput is one Go run to report.
type GoInput struct {
	Label string // e.g. "pure Go" or "openblas"
	Run   *GoRun
}

// RunInfo describes one Go run of the report.
type RunInfo struct {
	Label string
	Procs int          // GOMAXPROCS of its benchmarks
	Ran   []BenchAlloc // every benchmark that ran, in order
	// KernelRate is BenchmarkKernelRate's median GFLOP/s: one thread's
	// rate on a product large enough to run at full speed (0 if it did
	// not run).
	KernelRate float64
}

// BenchAlloc is a benchmark's median allocs/op.
type BenchAlloc struct {
	Name   string
	Allocs float64
	Has    bool // the output had allocs/op (-benchmem)
}

// Input is what Build reads.
type Input struct {
	Go    []GoInput  // the primary run (whose verdicts count) first
	Torch *TorchFile // nil: no PyTorch timings
	Cases []CaseInfo
	// SameRun is true if the primary Go run and the PyTorch timings were
	// measured in one run (one invocation, one after the other).
	SameRun bool
}

// Ratio is how many times faster the implementation B is than A: A.Sec/B.Sec.
type Ratio struct {
	A, B   string // labels
	X      float64
	OK     bool // both were measured
	Reason string
}

func ratio(aLabel string, a Timing, bLabel string, b Timing) Ratio {
	r := Ratio{A: aLabel, B: bLabel}
	switch {
	case !a.OK():
		r.Reason = aLabel + " not measured"
		if a.Skip != "" {
			r.Reason += " (" + a.Skip + ")"
		}
	case !b.OK():
		r.Reason = bLabel + " not measured"
		if b.Skip != "" {
			r.Reason += " (" + b.Skip + ")"
		}
	default:
		r.X, r.OK = a.Sec/b.Sec, true
	}
	return r
}

// Verdict is one target of a current issue, checked on every Go run.
type Verdict struct {
	Issue  string // the issue number, or numbers
	Case   string
	Target string
	Need   string  // the requirement, e.g. "≥ 20×"
	Runs   []Check // one per Go run, as Report.Runs; the first counts
}

// Check is a target checked on one Go run.
type Check struct {
	Got     string // the measurement, e.g. "53.1×"
	Detail  string // the numbers it comes from
	Status  string // PASS, FAIL or NOT MEASURED
	Caveats []string
}

// Verdict is the status with its caveats, e.g. "PASS (not one run)".
func (c Check) Verdict() string {
	if len(c.Caveats) == 0 {
		return c.Status
	}
	return c.Status + " (" + strings.Join(c.Caveats, "; ") + ")"
}

// Report is everything docs/benchmarks.md states.
type Report struct {
	Cases    []CaseReport
	Verdicts []Verdict
	Runs     []RunInfo // the Go runs: the primary first
	HasTorch bool
	SameRun  bool
	// TorchBLAS describes PyTorch's BLAS; TorchOpenBLAS is true if it is
	// OpenBLAS, TorchBLASKnown if the file says.
	TorchBLAS                     string
	TorchOpenBLAS, TorchBLASKnown bool
}

// Case returns the named case's report, or nil.
func (r *Report) Case(name string) *CaseReport {
	for i := range r.Cases {
		if r.Cases[i].Name == name {
			return &r.Cases[i]
		}
	}
	return nil
}

// Build collects the medians of the Go runs and the PyTorch timings (which
// may be nil) for the cases, and checks the targets. It returns an error if
// a benchmark failed or if PyTorch's shapes differ from the cases'.
func Build(in Input) (*Report, error) {
	if len(in.Go) == 0 {
		return nil, errors.New("no Go run")
	}
	t := in.Torch
	rep := &Report{HasTorch: t != nil, SameRun: in.SameRun}
	if t != nil {
		rep.TorchBLASKnown, rep.TorchOpenBLAS, rep.TorchBLAS = t.OnOpenBLAS()
	}
	for _, gi := range in.Go {
		g := gi.Run
		info := RunInfo{Label: gi.Label}
		for _, name := range g.Order {
			b := g.Benches[name]
			if b.Fail {
				return nil, fmt.Errorf("%s: benchmark %s failed", gi.Label, name)
			}
			if len(b.Values["ns/op"]) > 0 {
				a, has := b.Median("allocs/op")
				info.Ran = append(info.Ran, BenchAlloc{Name: name, Allocs: a, Has: has})
				info.Procs = b.Procs
			}
		}
		if b := g.Benches[kernelRateBench]; b != nil {
			info.KernelRate, _ = b.Median("GFLOP/s")
		}
		rep.Runs = append(rep.Runs, info)
	}
	for _, c := range in.Cases {
		if t != nil {
			if err := checkShape(c, t); err != nil {
				return nil, err
			}
		}
		cr := CaseReport{CaseInfo: c, Torch: map[string]Timing{}, TorchRows: map[string][]string{}, Fastest: map[string]Timing{}}
		for _, gi := range in.Go {
			cr.Go = append(cr.Go, goTimings(gi.Run, c.Name))
		}
		for _, tk := range tasks {
			cr.Fastest[tk.key] = Timing{Skip: "no PyTorch timings"}
		}
		if t != nil {
			torchTimings(&cr, t)
		}
		rep.Cases = append(rep.Cases, cr)
	}
	rep.Verdicts = verdicts(rep)
	return rep, nil
}

func goTimings(g *GoRun, caseName string) GoTimings {
	gt := GoTimings{T: map[string]Timing{}}
	for _, gr := range goRows {
		b, ok := g.Benches[fmt.Sprintf(gr.bench, caseName)]
		var tm Timing
		switch {
		case !ok:
			tm.Skip = "not run"
		case len(b.Values["ns/op"]) == 0:
			tm.Skip = b.Skip
			if tm.Skip == "" {
				tm.Skip = "skipped"
			}
		default:
			ns, _ := b.Median("ns/op")
			tm.Sec = ns * 1e-9
			tm.Allocs, tm.HasAllocs = b.Median("allocs/op")
			tm.Bytes, _ = b.Median("B/op")
			tm.Samples = len(b.Values["ns/op"])
			tm.Rate, _ = b.Median("GFLOP/s")
		}
		gt.T[gr.key] = tm
	}
	for _, e := range fullEngines {
		if tm := gt.T[e]; tm.OK() && (gt.Best == "" || tm.Sec < gt.T[gt.Best].Sec) {
			gt.Best = e
		}
	}
	return gt
}

func torchTiming(rec TorchResult) Timing {
	if rec.MedianS == nil {
		return Timing{Skip: rec.Skipped, Method: rec.Variant}
	}
	m := rec.Variant
	if m == "" {
		m = rec.Method
	}
	return Timing{Sec: *rec.MedianS, Samples: len(rec.Runs), Threads: rec.Threads, Method: m}
}

// torchTimings fills in the case's PyTorch timings: every method of
// torchTasks the file has a record of, any other method it has, and each
// task's fastest.
func torchTimings(cr *CaseReport, t *TorchFile) {
	known := map[string]bool{}
	for _, tk := range torchTasks {
		for _, m := range append(slices.Clone(tk.Methods), tk.Summary) {
			known[m] = true
		}
		for _, m := range tk.Methods {
			if rec, ok := t.Best(cr.Name, m); ok {
				cr.Torch[m] = torchTiming(rec)
				cr.TorchRows[tk.Key] = append(cr.TorchRows[tk.Key], m)
			}
		}
		if rec, ok := t.Fastest(cr.Name, tk.Key); ok {
			cr.Fastest[tk.Key] = torchTiming(rec)
		} else {
			cr.Fastest[tk.Key] = Timing{Skip: "not in the PyTorch timings"}
		}
	}
	var other []TorchResult
	for _, r := range t.Results {
		if _, isSummary := t.Summaries[r.Method]; r.Case == cr.Name && !known[r.Method] && !isSummary && !slices.ContainsFunc(other, func(o TorchResult) bool { return o.Method == r.Method }) {
			other = append(other, r)
		}
	}
	for _, r := range other {
		rec, _ := t.Best(cr.Name, r.Method)
		cr.Torch[r.Method] = torchTiming(rec)
		tk := t.TaskOf(r)
		if !slices.ContainsFunc(tasks, func(x task) bool { return x.key == tk }) {
			tk = ""
		}
		cr.TorchRows[tk] = append(cr.TorchRows[tk], r.Method)
	}
}

func checkShape(c CaseInfo, t *TorchFile) error {
	tc, ok := t.Cases[c.Name]
	if !ok {
		return nil // its timings are simply missing
	}
	widths := c.D == nil || slices.Equal(tc.D.Widths, c.D) && slices.Equal(tc.Phi.Widths, c.Phi) // a built case has none
	if tc.M != c.M || tc.PD != c.PD || !widths {
		return fmt.Errorf("case %s: PyTorch timed m=%d D=%v Φ=%v P_D=%d, but bench.Cases has m=%d D=%v Φ=%v P_D=%d",
			c.Name, tc.M, tc.D.Widths, tc.Phi.Widths, tc.PD, c.M, c.D, c.Phi, c.PD)
	}
	return nil
}

// torchLabel names PyTorch's fastest method of a task with its winner and
// thread count, e.g. "PyTorch fastest (autograd_batched, 2 threads)".
func torchLabel(t Timing) string {
	if !t.OK() {
		return "PyTorch fastest"
	}
	return fmt.Sprintf("PyTorch fastest (%s, %s)", t.Method, threads(t.Threads))
}

func threads(n int) string {
	if n == 1 {
		return "1 thread"
	}
	return fmt.Sprintf("%d threads", n)
}

// speedCheck checks that B is at least need times faster than A.
func speedCheck(need float64, r Ratio, a, b Timing) Check {
	if !r.OK {
		return Check{Status: "NOT MEASURED", Got: "–", Detail: r.Reason}
	}
	c := Check{Got: fmtX(r.X), Detail: fmt.Sprintf("%s %s ÷ %s %s", r.A, fmtDur(a.Sec), r.B, fmtDur(b.Sec)), Status: "FAIL"}
	if r.X >= need {
		c.Status = "PASS"
	}
	return c
}

// speedTarget is a target: dualgrad at least Need times faster than
// PyTorch's fastest method on a task.
type speedTarget struct {
	Issue, Case, Task string
	Need              float64
}

// Targets are the speed targets of the current issues, each "medians, in
// one run, against PyTorch's fastest method (on OpenBLAS)".
var Targets = []speedTarget{
	{"9", "mnist", "jac", 10},
	{"9", "mnist", "sumgrad", 4},
	{"9", "mnist", "batch64", 4},
	{"11", "large", "jac", 20},
	{"11", "large", "sumgrad", 4},
	{"12", "small", "batch64", 20},
	{"12", "medium", "batch64", 4},
	{"12", "large", "batch64", 4},
	{"12", "mnist", "batch64", 4},
	{"12", "medium", "batch64_jac", 4},
}

// AllocIssue names the issues whose target is 0 allocs/op in every Go
// benchmark that ran.
const AllocIssue = "9, 11, 12"

func verdicts(rep *Report) []Verdict {
	var vs []Verdict
	for _, st := range Targets {
		tk := taskNamed(st.Task)
		v := Verdict{Issue: st.Issue, Case: st.Case, Need: "≥ " + fmtX(st.Need),
			Target: tk.title + ": dualgrad faster than PyTorch's fastest method"}
		cr := rep.Case(st.Case)
		for ri := range rep.Runs {
			if cr == nil {
				v.Runs = append(v.Runs, Check{Status: "NOT MEASURED", Got: "–", Detail: "no case " + st.Case})
				continue
			}
			pt := cr.Fastest[st.Task]
			name, gt := cr.Go[ri].Task(st.Task)
			c := speedCheck(st.Need, ratio(torchLabel(pt), pt, name, gt), pt, gt)
			if c.Status != "NOT MEASURED" {
				c.Caveats = rep.torchCaveats(ri)
			}
			v.Runs = append(v.Runs, c)
		}
		vs = append(vs, v)
	}
	v := Verdict{Issue: AllocIssue, Case: "all", Target: "0 allocations per call after warm-up, in every Go benchmark that ran", Need: "0 allocs/op"}
	for _, run := range rep.Runs {
		v.Runs = append(v.Runs, allocCheck(run.Ran))
	}
	return append(vs, v)
}

// torchCaveats says why a comparison of Go run ri with PyTorch falls short
// of "in one run, on OpenBLAS".
func (rep *Report) torchCaveats(ri int) []string {
	var cs []string
	if ri > 0 || !rep.SameRun {
		cs = append(cs, "not one run")
	}
	switch {
	case !rep.TorchBLASKnown:
		cs = append(cs, "PyTorch's BLAS not recorded")
	case !rep.TorchOpenBLAS:
		cs = append(cs, "PyTorch not on OpenBLAS")
	}
	return cs
}

func allocCheck(ran []BenchAlloc) Check {
	var bad, missing []string
	worst := 0.0
	for _, b := range ran {
		switch {
		case !b.Has:
			missing = append(missing, b.Name)
		case b.Allocs > 0:
			bad = append(bad, fmt.Sprintf("%s %g", b.Name, b.Allocs))
			worst = max(worst, b.Allocs)
		}
	}
	var c Check
	switch {
	case len(ran) == 0:
		c = Check{Status: "NOT MEASURED", Got: "–", Detail: "no benchmark ran"}
	case len(bad) > 0:
		c = Check{Status: "FAIL", Got: fmt.Sprintf("%g allocs/op", worst), Detail: "median allocs/op: " + strings.Join(bad, ", ")}
	case len(missing) > 0:
		c = Check{Status: "NOT MEASURED", Got: "–"}
	default:
		c = Check{Status: "PASS", Got: "0 allocs/op", Detail: fmt.Sprintf("median allocs/op is 0 in all %d benchmarks that ran", len(ran))}
	}
	if len(missing) > 0 {
		if c.Detail != "" {
			c.Detail += "; "
		}
		c.Detail += "no allocs/op (run without -benchmem) for " + strings.Join(missing, ", ")
	}
	return c
}

// fmtDur formats seconds with three significant digits and a unit.
func fmtDur(s float64) string {
	switch {
	case s <= 0 || math.IsNaN(s):
		return "–"
	case s < 1e-6:
		return sig3(s*1e9) + " ns"
	case s < 1e-3:
		return sig3(s*1e6) + " µs"
	case s < 1:
		return sig3(s*1e3) + " ms"
	}
	return sig3(s) + " s"
}

func sig3(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// fmtX formats a speed ratio.
func fmtX(x float64) string {
	if x >= 100 {
		return fmt.Sprintf("%.0f×", x)
	}
	if x >= 10 {
		return fmt.Sprintf("%.1f×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}

// fmtBytes formats a B/op median.
func fmtBytes(b float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", b), ".0")
}
