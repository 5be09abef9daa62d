package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// jsonSum is the -sum -json output.
type jsonSum struct {
	Sum      float64   `json:"sum"`
	GradD    []float64 `json:"grad_d,omitempty"`
	GradPhi  []float64 `json:"grad_phi,omitempty"`
	FDMaxRel *float64  `json:"fd_max_rel_diff,omitempty"`
}

// sumMode computes Σ_b Σᵢ wᵢ sᵢ(z_b) and its gradients with the adjoint
// engine's single cotangent.
func sumMode(w io.Writer, p *problem, cfg *config) error {
	m := p.M()
	if cfg.weights != nil && len(cfg.weights) != m {
		return invalid("-weights has %d entries, want m = %d", len(cfg.weights), m)
	}
	opt := cossim.Options{Wrt: cfg.wrt, Eps: cfg.eps}
	Z := mat.NewDense(len(p.Z), m, nil)
	for b, z := range p.Z {
		Z.SetRow(b, z)
	}
	var out jsonSum
	if cfg.wrt&cossim.WrtD != 0 {
		out.GradD = make([]float64, p.D.NumParams())
	}
	if cfg.wrt&cossim.WrtPhi != 0 {
		out.GradPhi = make([]float64, p.Phi.NumParams())
	}
	batch, err := cossim.NewBatch(p.Problem, opt, cossim.EngineAdjoint, 0)
	if err != nil {
		return err
	}
	if out.Sum, err = batch.SumGrad(out.GradD, out.GradPhi, Z, cfg.weights); err != nil {
		return err
	}
	var checked string
	if cfg.check {
		w := cfg.weights
		if w == nil {
			w = make([]float64, m)
			for i := range w {
				w[i] = 1
			}
		}
		d := 0.0
		if out.GradD != nil {
			d = max(d, fdDiff(p, opt, p.Z, w, p.D, mat.NewDense(1, len(out.GradD), out.GradD), &checked))
		}
		if out.GradPhi != nil {
			d = max(d, fdDiff(p, opt, p.Z, w, p.Phi, mat.NewDense(1, len(out.GradPhi), out.GradPhi), &checked))
		}
		out.FDMaxRel = &d
	}
	if cfg.json {
		return json.NewEncoder(w).Encode(out)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "dualgrad cossim -sum: S = Σ_b Σᵢ wᵢ sᵢ(z_b) over %d latent(s), w = %s\n", len(p.Z), weightsString(cfg.weights, m))
	fmt.Fprintf(&sb, "engine: adjoint, one cotangent\n\nS = %.15g\n", out.Sum)
	if out.GradD != nil {
		vector(&sb, "∂S/∂θ_D", "D", p.D, out.GradD)
	}
	if out.GradPhi != nil {
		vector(&sb, "∂S/∂φ", "Φ", p.Phi, out.GradPhi)
	}
	if out.FDMaxRel != nil {
		fmt.Fprintf(&sb, "\nfinite-difference check (gonum diff/fd, on %s):\n  largest difference relative to the largest entry: %.2g\n", checked, *out.FDMaxRel)
	}
	_, err = io.WriteString(w, sb.String())
	return err
}

func weightsString(w []float64, m int) string {
	if w == nil {
		return fmt.Sprintf("all ones (m = %d)", m)
	}
	return vec(w)
}

// vector prints a gradient over a network's parameters as its weight
// matrices and bias vectors.
func vector(b *strings.Builder, title, name string, net *layers.Network, grad []float64) {
	if len(grad) > maxPrinted {
		fmt.Fprintf(b, "\n%s: %d entries (too many to print; use -json)\n", title, len(grad))
		return
	}
	fmt.Fprintf(b, "\n%s:\n", title)
	params(b, name, net, grad)
}
