package main

import (
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
	Go      bool
	Allocs  float64 // Go: median allocs/op
	Bytes   float64 // Go: median B/op
	Threads int     // PyTorch: the thread count of the fastest record
	Variant string  // PyTorch functorch and best_torch: the method that won
}

// OK reports whether t holds a measurement.
func (t Timing) OK() bool { return t.Sec > 0 }

// A row of a case's table: an implementation and what it computes.
type row struct {
	key, label, what string
	bench            string // Go: the benchmark name, with %s for the case
}

// goRows are the dualgrad implementations, in table order.
var goRows = []row{
	{key: "forward", label: "dualgrad forward", what: "s, ∂s/∂θ_D", bench: "BenchmarkCossim/%s/forward"},
	{key: "adjoint", label: "dualgrad adjoint", what: "s, ∂s/∂θ_D", bench: "BenchmarkCossim/%s/adjoint"},
	{key: "looped", label: "dualgrad looped", what: "s, ∂s/∂θ_D", bench: "BenchmarkCossim/%s/looped"},
	{key: "sumgrad", label: "dualgrad SumGrad", what: "∇Σᵢsᵢ", bench: "BenchmarkCossimSumGrad/%s"},
	{key: "batch", label: "dualgrad Batch", what: "64 latents: s, ∇Σ_bΣᵢsᵢ", bench: "BenchmarkCossimBatch/%s"},
}

// fullEngines compute the full Jacobian; the best of them is "the best engine".
var fullEngines = []string{"forward", "adjoint", "looped"}

// torchRows are the PyTorch methods of bench/torch_bench.py, in table order.
var torchRows = []row{
	{key: "looped", label: "PyTorch looped", what: "s, ∂s/∂θ_D"},
	{key: "functorch", label: "PyTorch functorch", what: "s, ∂s/∂θ_D"},
	{key: "functorch_rev_fwd", label: "… functorch rev_fwd", what: "s, ∂s/∂θ_D"},
	{key: "functorch_fwd_fwd", label: "… functorch fwd_fwd", what: "s, ∂s/∂θ_D"},
	{key: "functorch_rev_rev", label: "… functorch rev_rev", what: "s, ∂s/∂θ_D"},
	{key: "autograd_batched", label: "PyTorch autograd_batched", what: "s, ∂s/∂θ_D"},
	{key: "best_torch", label: "PyTorch best", what: "s, ∂s/∂θ_D"},
	{key: "sumgrad", label: "PyTorch sumgrad", what: "∇Σᵢsᵢ"},
	{key: "batch64", label: "PyTorch batch64", what: "64 latents: s, ∇Σ_bΣᵢsᵢ"},
}

// CaseReport holds one case's timings.
type CaseReport struct {
	CaseInfo
	Go    map[string]Timing // by goRows key
	Torch map[string]Timing // by torchRows key
	Best  string            // the fastest full-Jacobian engine; "" if none ran
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
	case !b.OK():
		r.Reason = bLabel + " not measured"
	default:
		r.X, r.OK = a.Sec/b.Sec, true
	}
	return r
}

// Verdict is one target of issues 5 and 6, checked.
type Verdict struct {
	Issue  int
	Case   string
	Target string
	Need   string // the requirement, e.g. "≥ 20×"
	Got    string // the measurement, e.g. "53.1×"
	Detail string // the numbers it comes from
	Status string // PASS, FAIL or NOT MEASURED
}

// Report is everything docs/benchmarks.md states.
type Report struct {
	Cases    []CaseReport
	Verdicts []Verdict
	HasTorch bool
	Procs    int // GOMAXPROCS of the Go benchmarks
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

// Build collects the medians of g and t (which may be nil: no PyTorch
// timings) for the cases, and checks the targets. It returns an error if a
// benchmark failed or if t's shapes differ from the cases'.
func Build(g *GoRun, t *TorchFile, cases []CaseInfo) (*Report, error) {
	for _, name := range g.Order {
		if g.Benches[name].Fail {
			return nil, fmt.Errorf("benchmark %s failed", name)
		}
	}
	rep := &Report{HasTorch: t != nil}
	for _, c := range cases {
		if t != nil {
			if err := checkShape(c, t); err != nil {
				return nil, err
			}
		}
		cr := CaseReport{CaseInfo: c, Go: map[string]Timing{}, Torch: map[string]Timing{}}
		for _, gr := range goRows {
			b, ok := g.Benches[fmt.Sprintf(gr.bench, c.Name)]
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
				tm.Allocs, _ = b.Median("allocs/op")
				tm.Bytes, _ = b.Median("B/op")
				tm.Samples = len(b.Values["ns/op"])
				rep.Procs = b.Procs
			}
			tm.Go = true
			cr.Go[gr.key] = tm
		}
		for _, e := range fullEngines {
			if tm := cr.Go[e]; tm.OK() && (cr.Best == "" || tm.Sec < cr.Go[cr.Best].Sec) {
				cr.Best = e
			}
		}
		for _, tr := range torchRows {
			tm := Timing{Skip: "no PyTorch timings"}
			if t != nil {
				if rec, ok := t.Best(c.Name, tr.key); !ok {
					tm.Skip = "not in the PyTorch timings"
				} else if rec.MedianS == nil {
					tm.Skip = rec.Skipped
				} else {
					tm = Timing{Sec: *rec.MedianS, Samples: len(rec.Runs), Threads: rec.Threads, Variant: rec.Variant}
				}
			}
			cr.Torch[tr.key] = tm
		}
		rep.Cases = append(rep.Cases, cr)
	}
	rep.Verdicts = verdicts(rep)
	return rep, nil
}

func checkShape(c CaseInfo, t *TorchFile) error {
	tc, ok := t.Cases[c.Name]
	if !ok {
		return nil // its timings are simply missing
	}
	widths := c.D == nil || slices.Equal(tc.D, c.D) && slices.Equal(tc.Phi, c.Phi) // a built case has none
	if tc.M != c.M || tc.PD != c.PD || !widths {
		return fmt.Errorf("case %s: PyTorch timed m=%d D=%v Φ=%v P_D=%d, but bench.Cases has m=%d D=%v Φ=%v P_D=%d",
			c.Name, tc.M, tc.D, tc.Phi, tc.PD, c.M, c.D, c.Phi, c.PD)
	}
	return nil
}

// BestTiming returns the case's fastest full-Jacobian engine's timing.
func (c *CaseReport) BestTiming() Timing {
	if c.Best == "" {
		return Timing{Skip: "no engine ran"}
	}
	return c.Go[c.Best]
}

// speedTarget checks that B is at least need times faster than A.
func speedTarget(issue int, caseName, target string, need float64, r Ratio, a, b Timing) Verdict {
	v := Verdict{Issue: issue, Case: caseName, Target: target, Need: "≥ " + fmtX(need)}
	if !r.OK {
		v.Status, v.Got, v.Detail = "NOT MEASURED", "–", r.Reason
		return v
	}
	v.Got = fmtX(r.X)
	v.Detail = fmt.Sprintf("%s %s ÷ %s %s", r.A, fmtDur(a.Sec), r.B, fmtDur(b.Sec))
	v.Status = "FAIL"
	if r.X >= need {
		v.Status = "PASS"
	}
	return v
}

func verdicts(rep *Report) []Verdict {
	var vs []Verdict
	for _, c := range []struct {
		name string
	}{{"small"}, {"medium"}} {
		cr := rep.Case(c.name)
		if cr == nil {
			continue
		}
		lo, fw := cr.Go["looped"], cr.Go["forward"]
		vs = append(vs, speedTarget(6, c.name, "forward engine faster than looped", 20,
			ratio("looped", lo, "forward", fw), lo, fw))
	}
	for _, c := range []struct {
		name string
		need float64
	}{{"toy", 100}, {"small", 100}, {"medium", 10}} {
		cr := rep.Case(c.name)
		if cr == nil {
			continue
		}
		ft, best := cr.Torch["functorch"], cr.BestTiming()
		vs = append(vs, speedTarget(6, c.name, "best engine faster than PyTorch functorch", c.need,
			ratio("functorch", ft, cr.Best, best), ft, best))
	}
	if cr := rep.Case("large"); cr != nil {
		ft, bt, best := cr.Torch["functorch"], cr.Torch["best_torch"], cr.BestTiming()
		vs = append(vs,
			speedTarget(5, "large", "full ∂s/∂θ_D in ≤ 1/20 of PyTorch functorch's time", 20,
				ratio("functorch", ft, cr.Best, best), ft, best),
			speedTarget(5, "large", "(stricter) full ∂s/∂θ_D in ≤ 1/20 of PyTorch's fastest method's time", 20,
				ratio("PyTorch best ("+bt.Variant+")", bt, cr.Best, best), bt, best))
		ts, gs := cr.Torch["sumgrad"], cr.Go["sumgrad"]
		vs = append(vs, speedTarget(5, "large", "∇Σᵢsᵢ in ≤ 1/4 of PyTorch's time", 4,
			ratio("PyTorch sumgrad", ts, "SumGrad", gs), ts, gs))
	}
	// 0 allocations per call after warm-up, over every benchmark that ran.
	worst, where, n := 0.0, "", 0
	for _, cr := range rep.Cases {
		for _, gr := range goRows {
			if tm := cr.Go[gr.key]; tm.OK() {
				n++
				if tm.Allocs > worst || where == "" {
					worst, where = tm.Allocs, fmt.Sprintf(gr.bench, cr.Name)
				}
			}
		}
	}
	v := Verdict{Issue: 5, Case: "all", Target: "0 allocations per call after warm-up", Need: "0 allocs/op"}
	switch {
	case n == 0:
		v.Status, v.Got, v.Detail = "NOT MEASURED", "–", "no benchmark ran"
	case worst == 0:
		v.Status, v.Got, v.Detail = "PASS", "0 allocs/op", fmt.Sprintf("median allocs/op is 0 in all %d benchmarks that ran", n)
	default:
		v.Status, v.Got, v.Detail = "FAIL", fmt.Sprintf("%g allocs/op", worst), "in "+where
	}
	return append(vs, v)
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
