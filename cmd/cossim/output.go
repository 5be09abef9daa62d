package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// solution is what the command computed for every latent.
type solution struct {
	kind    cossim.Kind      // the engine that ran (auto resolved)
	results []*cossim.Result // one per latent
	fdDiff  []float64        // largest relative difference to finite differences, per latent, with -check
	fdCols  string           // which parameters -check compared
}

// maxChecked is the largest number of parameters per network that -check
// differentiates numerically; larger networks are checked on evenly spaced
// parameters, since each costs two reference evaluations.
const maxChecked = 256

// fdDiff compares got, the engine's derivative with respect to net's
// parameters, with central finite differences on at most maxChecked of
// them, and returns the largest difference relative to the largest entry.
// If w is nil, got is m × P for the single latent in Z; otherwise got is
// 1 × P and holds the gradient of Σ_b Σᵢ wᵢ sᵢ(z_b).
func fdDiff(p *problem, opt cossim.Options, Z [][]float64, w []float64, net *layers.Network, got *mat.Dense, what *string) float64 {
	P := net.NumParams()
	var cols []int
	*what = "every parameter"
	if P > maxChecked {
		cols = make([]int, maxChecked)
		for k := range cols {
			cols[k] = k * (P - 1) / (maxChecked - 1)
		}
		*what = fmt.Sprintf("%d evenly spaced parameters per network", maxChecked)
	}
	m, k := p.M(), P
	if cols != nil {
		k = len(cols)
	}
	rows, _ := got.Dims()
	est := mat.NewDense(rows, k, nil)
	one := mat.NewDense(m, k, nil)
	for _, z := range Z {
		cossim.FiniteDifferenceColumns(one, p.Problem, opt, z, net, cols)
		if w == nil {
			est.Add(est, one)
			continue
		}
		for i := 0; i < m; i++ {
			floats.AddScaled(est.RawRowView(0), w[i], one.RawRowView(i))
		}
	}
	sub := got
	if cols != nil {
		sub = mat.NewDense(rows, k, nil)
		for r := 0; r < rows; r++ {
			for j, c := range cols {
				sub.Set(r, j, got.At(r, c))
			}
		}
	}
	return cossim.MaxRelDiff(sub, est)
}

func solve(p *problem, cfg *config) (*solution, error) {
	opt := cossim.Options{Wrt: cfg.wrt, Eps: cfg.eps}
	kind := cfg.kind
	if kind == cossim.EngineAuto {
		kind = cossim.ChooseKind(p.Problem, opt)
	}
	sol := &solution{kind: kind, results: make([]*cossim.Result, len(p.Z))}
	for b := range sol.results {
		sol.results[b] = cossim.NewResult(p.Problem, cfg.wrt)
	}
	if len(p.Z) == 1 {
		eng, err := cossim.New(p.Problem, opt, kind)
		if err != nil {
			return nil, err
		}
		if err := eng.Eval(sol.results[0], p.Z[0]); err != nil {
			return nil, err
		}
	} else {
		Z := mat.NewDense(len(p.Z), p.M(), nil)
		for b, z := range p.Z {
			Z.SetRow(b, z)
		}
		if err := cossim.EvalBatch(p.Problem, opt, kind, Z, sol.results); err != nil {
			return nil, err
		}
	}
	if cfg.check && cfg.wrt != cossim.WrtNone {
		for b, res := range sol.results {
			d := 0.0
			if res.GradD != nil {
				d = max(d, fdDiff(p, opt, [][]float64{p.Z[b]}, nil, p.D, res.GradD, &sol.fdCols))
			}
			if res.GradPhi != nil {
				d = max(d, fdDiff(p, opt, [][]float64{p.Z[b]}, nil, p.Phi, res.GradPhi, &sol.fdCols))
			}
			sol.fdDiff = append(sol.fdDiff, d)
		}
	}
	return sol, nil
}

// jsonResult is the -json form of one latent's result.
type jsonResult struct {
	S          []float64   `json:"s"`
	Dot        []float64   `json:"dot"`
	GradNormSq float64     `json:"grad_norm_sq"`
	ColNormSq  []float64   `json:"col_norm_sq"`
	GradD      [][]float64 `json:"grad_d,omitempty"`
	GradPhi    [][]float64 `json:"grad_phi,omitempty"`
	FDMaxRel   *float64    `json:"fd_max_rel_diff,omitempty"`
}

func rows(m *mat.Dense) [][]float64 {
	if m == nil {
		return nil
	}
	r, _ := m.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = m.RawRowView(i)
	}
	return out
}

func writeJSON(w io.Writer, p *problem, sol *solution) error {
	out := make([]jsonResult, len(sol.results))
	for b, r := range sol.results {
		out[b] = jsonResult{S: r.S, Dot: r.Dot, GradNormSq: r.GradNormSq, ColNormSq: r.ColNormSq,
			GradD: rows(r.GradD), GradPhi: rows(r.GradPhi)}
		if sol.fdDiff != nil {
			out[b].FDMaxRel = &sol.fdDiff[b]
		}
	}
	enc := json.NewEncoder(w)
	if p.Batch {
		return enc.Encode(out)
	}
	return enc.Encode(out[0])
}

// maxPrinted is the largest parameter count whose Jacobian the report prints
// in full; beyond it the report points to -json.
const maxPrinted = 400

func writeReport(w io.Writer, p *problem, cfg *config, sol *solution) error {
	var b strings.Builder
	fmt.Fprintf(&b, "dualgrad cossim: sᵢ = (g·uᵢ)²/(|g|²|uᵢ|²), g = ∇Φ(D(z)), uᵢ = ∂D/∂zᵢ(z)\n\n")
	fmt.Fprintf(&b, "problem: %s\n", p.Name)
	fmt.Fprintf(&b, "  Φ: %s (%d parameters)\n", shape(p.Phi), p.Phi.NumParams())
	fmt.Fprintf(&b, "  D: %s (%d parameters)\n", shape(p.D), p.D.NumParams())
	for _, net := range []struct {
		name string
		n    *layers.Network
	}{{"Φ", p.Phi}, {"D", p.D}} {
		if np := net.n.NumParams(); np <= maxPrinted/8 {
			fmt.Fprintf(&b, "\n%s's parameters:\n", net.name)
			params(&b, net.name, net.n, net.n.Params(nil))
		}
	}
	b.WriteString("\n")
	how := "chosen with -engine"
	if cfg.kind == cossim.EngineAuto {
		how = "chosen by -engine auto"
	}
	fmt.Fprintf(&b, "engine: %v (%s)\n", sol.kind, how)
	if cfg.eps > 0 {
		fmt.Fprintf(&b, "denominators regularized: |g|²|uᵢ|² + %g\n", cfg.eps)
	}
	for s, res := range sol.results {
		z := p.Z[s]
		if p.Batch {
			fmt.Fprintf(&b, "\n== sample %d ==\n", s)
		}
		x, g, _ := cossim.Pieces(p.Problem, z)
		fmt.Fprintf(&b, "\nz        = %s\n", short(z))
		fmt.Fprintf(&b, "x = D(z) = %s\n", short(x))
		fmt.Fprintf(&b, "g = ∇Φ(x) = %s,  |g|² = %.10g\n\n", short(g), res.GradNormSq)
		tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  i\tcᵢ = g·uᵢ\t|uᵢ|²\tsᵢ\t")
		for i := range res.S {
			fmt.Fprintf(tw, "  %d\t%.10g\t%.10g\t%.15g\t\n", i+1, res.Dot[i], res.ColNormSq[i], res.S[i])
		}
		tw.Flush()
		if res.GradD != nil {
			jacobian(&b, "θ_D", "D", p.D, res.GradD)
		}
		if res.GradPhi != nil {
			jacobian(&b, "φ", "Φ", p.Phi, res.GradPhi)
		}
		if sol.fdDiff != nil {
			fmt.Fprintf(&b, "\nfinite-difference check (gonum diff/fd, central differences of s in float64, on %s):\n", sol.fdCols)
			fmt.Fprintf(&b, "  largest difference from the exact Jacobian, relative to its largest entry: %.2g\n", sol.fdDiff[s])
		}
	}
	if cfg.problem == "" {
		fmt.Fprintf(&b, "\nThe forum post printed s = [2.8444, 0.5333] and ∂s1/∂W[:,1] = [-1.1852, 1.4222, 0.2370, 0.9481]:\n"+
			"exactly 4× the values above, because z.grad accumulated the gradient twice, doubling cᵢ (docs/math.md).\n")
	}
	if !cfg.check && cfg.wrt != cossim.WrtNone {
		fmt.Fprintf(&b, "\n(add -check for a finite-difference cross-check, -json for machine-readable output)\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func shape(n *layers.Network) string {
	var parts []string
	parts = append(parts, fmt.Sprint(n.In()))
	for _, l := range n.Layers {
		parts = append(parts, fmt.Sprintf("%d %v", l.Out(), l.Act))
	}
	return strings.Join(parts, " → ")
}

// short is vec for the report's inputs, abbreviated past 12 entries
// (-json prints everything).
func short(v []float64) string {
	const keep = 12
	if len(v) <= keep {
		return vec(v)
	}
	s := vec(v[:keep])
	return fmt.Sprintf("%s, … (%d entries)]", s[:len(s)-1], len(v))
}

func vec(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.6g", x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// jacobian prints each row of an m × P parameter Jacobian as the networks'
// weight matrices and bias vectors.
func jacobian(b *strings.Builder, sym, name string, net *layers.Network, J *mat.Dense) {
	m, P := J.Dims()
	if P > maxPrinted {
		fmt.Fprintf(b, "\n∂s/∂%s: %d × %d matrix (too large to print; use -json)\n", sym, m, P)
		return
	}
	for i := 0; i < m; i++ {
		fmt.Fprintf(b, "\n∂s%d/∂%s:\n", i+1, sym)
		params(b, name, net, J.RawRowView(i))
	}
}

// params prints a vector over net's flat parameters layer by layer, as the
// weight matrix and the bias.
func params(b *strings.Builder, name string, net *layers.Network, row []float64) {
	for l := range net.Layers {
		lay := &net.Layers[l]
		off := net.ParamOffset(l)
		r, c := lay.Out(), lay.In()
		fmt.Fprintf(b, "  %s layer %d weight (%d×%d):\n", name, l+1, r, c)
		tw := tabwriter.NewWriter(b, 2, 8, 2, ' ', tabwriter.AlignRight)
		for a := 0; a < r; a++ {
			fmt.Fprint(tw, "    \t")
			for k := 0; k < c; k++ {
				fmt.Fprintf(tw, "%.6g\t", row[off+a*c+k])
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
		fmt.Fprintf(b, "  %s layer %d bias: %s\n", name, l+1, vec(row[off+r*c:off+r*c+r]))
	}
}
