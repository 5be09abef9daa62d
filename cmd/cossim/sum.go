package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/internal/jsonstrict"
	"gonum.org/v1/gonum/mat"
)

// sumOut is -sum's result.
type sumOut struct {
	sum            float64
	gradD, gradPhi []float64
}

// sumMode computes Σ_b Σᵢ wᵢ sᵢ(z_b) and its gradients with the adjoint
// engine's single cotangent per latent, stacking the latents (a Batch:
// chunks of them on every core, the same bits as one engine).
func sumMode(stdout io.Writer, p *problem, cfg *config) error {
	m := p.M()
	if cfg.weights != nil && len(cfg.weights) != m {
		return invalid("-weights has %d entries, want m = %d", len(cfg.weights), m)
	}
	opt := cfg.options()
	Z := mat.NewDense(len(p.Z), m, nil)
	for b, z := range p.Z {
		Z.SetRow(b, z)
	}
	var out sumOut
	if cfg.wrt&cossim.WrtD != 0 {
		out.gradD = make([]float64, p.D.NumParams())
	}
	if cfg.wrt&cossim.WrtPhi != 0 {
		out.gradPhi = make([]float64, p.Phi.NumParams())
	}
	b, err := cossim.NewBatch(p.Problem, opt, cossim.KindAdjoint, 0) // chunks of latents on every core
	if err != nil {
		return err
	}
	if out.sum, err = b.SumGrad(out.gradD, out.gradPhi, Z, cfg.weights); err != nil {
		return err
	}
	var chk *checked
	if cfg.check && cfg.wrt != cossim.WrtNone {
		if chk, err = check(p, opt, nil, nil, cfg.weights, &out); err != nil {
			return err
		}
	}
	if cfg.json {
		w := jsonstrict.NewWriter(stdout)
		w.BeginObject()
		w.Key("sum")
		w.Float(out.sum)
		if out.gradD != nil {
			w.Key("grad_d")
			w.Floats(out.gradD)
		}
		if out.gradPhi != nil {
			w.Key("grad_phi")
			w.Floats(out.gradPhi)
		}
		if chk != nil {
			w.Key("fd_rel_diff")
			w.Float(chk.rel)
			w.Key("fd_reference_zero")
			w.Bool(chk.zeroRef)
		}
		w.EndObject()
		return w.Close()
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "dualgrad cossim -sum: S = Σ_b Σᵢ wᵢ sᵢ(z_b) over %d latent(s), w = %s\n", len(p.Z), weightsString(cfg.weights, m))
	fmt.Fprintf(&sb, "engine: adjoint, one cotangent per latent\n\nS = %.15g\n", out.sum)
	for _, q := range []struct {
		title string
		v     []float64
		g     interface{ NumParams() int }
	}{{"∂S/∂θ_D", out.gradD, p.D}, {"∂S/∂φ", out.gradPhi, p.Phi}} {
		if q.v == nil {
			continue
		}
		if len(q.v) > maxPrinted {
			fmt.Fprintf(&sb, "\n%s: %d entries (too many to print; use -json)\n", q.title, len(q.v))
			continue
		}
		fmt.Fprintf(&sb, "\n%s:\n", q.title)
		if q.title == "∂S/∂θ_D" {
			params(&sb, p.D, q.v)
		} else {
			params(&sb, p.Phi, q.v)
		}
	}
	if chk != nil {
		fmt.Fprintf(&sb, "\nfinite-difference check (gonum diff/fd, on %s):\n  %s\n", chk.cols, chk.describe())
	}
	_, err = io.WriteString(stdout, sb.String())
	return err
}

func weightsString(w []float64, m int) string {
	if w == nil {
		return fmt.Sprintf("all ones (m = %d)", m)
	}
	return vec(w)
}
