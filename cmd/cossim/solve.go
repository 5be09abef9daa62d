package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/passes"
	"gonum.org/v1/gonum/mat"
)

// sink receives the results, one latent at a time, so that no output
// format holds more than one latent's Jacobians.
type sink interface {
	begin(p *problem, kind cossim.Kind) error
	latent(s int, res *cossim.Result, chk *checked) error
	end() error
}

// checked is -check's comparison for one latent.
type checked struct {
	rel     float64 // max|exact − fd| / max(max|fd|, checkFloor)
	zeroRef bool    // every finite difference is below checkFloor
	cols    string  // which parameters were compared
}

// options returns the engine options the flags select.
func (cfg *config) options() cossim.Options {
	return cossim.Options{Wrt: cfg.wrt, Eps: cfg.eps, MaxMemory: cfg.maxMemory}
}

// solve evaluates every latent and streams the results to the chosen
// output.
func solve(stdout io.Writer, p *problem, cfg *config) error {
	opt := cfg.options()
	kind := cfg.kind
	if kind == cossim.KindAuto {
		kind = cossim.ChooseKind(p.Problem, opt)
	}
	if err := checkTime(p, opt, kind, cfg.maxSeconds); err != nil {
		return err
	}
	b, err := cossim.NewBatch(p.Problem, opt, kind, 0)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(stdout, 1<<16)
	var out sink
	switch {
	case cfg.out != "":
		out = newNPZSink(cfg.out, p)
	case cfg.json:
		out = newJSONSink(w, p)
	default:
		out = newReportSink(w, p, cfg)
	}
	if err := out.begin(p, kind); err != nil {
		return err
	}
	Z := mat.NewDense(len(p.Z), p.M(), nil)
	for s, z := range p.Z {
		Z.SetRow(s, z)
	}
	err = b.Stream(Z, func(s int, res *cossim.Result) error {
		var chk *checked
		if cfg.check && cfg.wrt != cossim.WrtNone {
			c, err := check(p, opt, p.Z[s], res, nil, nil)
			if err != nil {
				return err
			}
			chk = c
		}
		return out.latent(s, res, chk)
	})
	if err != nil {
		return err
	}
	if err := out.end(); err != nil {
		return err
	}
	return w.Flush()
}

// checkTime refuses the looped engine when the cost model expects it to
// run longer than maxSeconds: it makes (m + n)·P scalar passes, hours on a
// large network, without a word.
func checkTime(p *problem, opt cossim.Options, kind cossim.Kind, maxSeconds float64) error {
	if kind != cossim.KindLooped {
		return nil
	}
	d := cossim.LoopedTime(p.Problem, opt.Wrt) * time.Duration(len(p.Z))
	if d.Seconds() > maxSeconds {
		return refusedError{fmt.Errorf("the looped engine would take about %v for %d latent(s), over the limit of %gs; choose another -engine or raise -max-seconds", d.Round(time.Second), len(p.Z), maxSeconds)}
	}
	return nil
}

// pieces returns x = D(z) and g = ∇Φ(x), from first-order passes, for the
// report.
func pieces(p *problem, z []float64) (x, g []float64) {
	dt, ft := passes.NewTape(p.D), passes.NewTape(p.Phi)
	dt.Forward(graph.MakeBlock(z, 1, len(z)))
	x = append([]float64(nil), dt.Output().Data...)
	ft.Forward(graph.MakeBlock(x, 1, len(x)))
	seed := make([]float64, p.Phi.OutputShape().Size())
	seed[p.PhiOutput] = 1
	ft.Reverse(graph.MakeBlock(seed, 1, len(seed)), func(int) graph.Block { return graph.Block{} })
	g = make([]float64, len(x))
	if w := ft.W(p.Phi.InputNode()); !w.Zero() {
		copy(g, w.Row(0))
	}
	return x, g
}

// maxChecked is the largest number of parameters per network that -check
// differentiates numerically; larger networks are checked on evenly spaced
// parameters, since each costs two reference evaluations.
const maxChecked = 256

// checkFloor is the absolute floor of -check's relative figure: central
// differences of s (≤ 1) in float64 carry round-off of about 1e-10, so a
// reference below 1e-8 is zero as far as they can tell.
const checkFloor = 1e-8

// check compares the Jacobians in res (or, with w set, the gradient rows
// gd and gp of Σᵢ wᵢsᵢ over the latents Z) with central finite
// differences on at most maxChecked parameters per network.
func check(p *problem, opt cossim.Options, z []float64, res *cossim.Result, w []float64, sum *sumOut) (*checked, error) {
	chk := &checked{cols: "every parameter"}
	diff, scale := 0.0, 0.0
	for _, net := range []struct {
		wrt cossim.Wrt
		g   *graph.Graph
	}{{cossim.WrtD, p.D}, {cossim.WrtPhi, p.Phi}} {
		if opt.Wrt&net.wrt == 0 || net.g.NumParams() == 0 {
			continue
		}
		P := net.g.NumParams()
		var cols []int
		if P > maxChecked {
			cols = make([]int, maxChecked)
			for k := range cols {
				cols[k] = k * (P - 1) / (maxChecked - 1)
			}
			chk.cols = fmt.Sprintf("%d evenly spaced parameters per network", maxChecked)
		}
		k := P
		if cols != nil {
			k = len(cols)
		}
		m := p.M()
		est := mat.NewDense(m, k, nil)
		var exact func(i, j int) float64
		if sum != nil {
			// The gradient of Σ_b Σᵢ wᵢsᵢ: the weighted rows summed over latents.
			acc := make([]float64, k)
			for _, zb := range p.Z {
				if err := cossim.FiniteDifferenceColumns(est, p.Problem, opt, zb, net.wrt, cols); err != nil {
					return nil, err
				}
				for i := 0; i < m; i++ {
					wi := 1.0
					if w != nil {
						wi = w[i]
					}
					for j, v := range est.RawRowView(i) {
						acc[j] += wi * v
					}
				}
			}
			grad := sum.gradD
			if net.wrt == cossim.WrtPhi {
				grad = sum.gradPhi
			}
			for j, v := range acc {
				c := j
				if cols != nil {
					c = cols[j]
				}
				diff = math.Max(diff, math.Abs(grad[c]-v))
				scale = math.Max(scale, math.Abs(v))
			}
			continue
		}
		if err := cossim.FiniteDifferenceColumns(est, p.Problem, opt, z, net.wrt, cols); err != nil {
			return nil, err
		}
		J := res.GradD
		if net.wrt == cossim.WrtPhi {
			J = res.GradPhi
		}
		exact = func(i, j int) float64 {
			if cols != nil {
				return J.At(i, cols[j])
			}
			return J.At(i, j)
		}
		for i := 0; i < m; i++ {
			for j, v := range est.RawRowView(i) {
				diff = math.Max(diff, math.Abs(exact(i, j)-v))
				scale = math.Max(scale, math.Abs(v))
			}
		}
	}
	chk.zeroRef = scale < checkFloor
	chk.rel = diff / math.Max(scale, checkFloor)
	return chk, nil
}

// describe returns the check's sentence for the report.
func (c *checked) describe() string {
	s := fmt.Sprintf("largest difference from the exact values, relative to the largest finite difference (floor %g): %.2g", checkFloor, c.rel)
	if c.zeroRef {
		s += fmt.Sprintf("\n  (every finite difference is below %g: the reference is zero, so this is an absolute figure)", checkFloor)
	}
	return s
}
