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
	if cfg.check {
		d := fdSumCheck(p, opt, cfg.weights, out)
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
		fmt.Fprintf(&sb, "\nfinite-difference check (gonum diff/fd): largest difference relative to the largest entry %.2g\n", *out.FDMaxRel)
	}
	_, err = io.WriteString(w, sb.String())
	return err
}

// fdSumCheck compares the gradients in out with Σ_b wᵀ·J_fd(z_b), where
// J_fd are central finite-difference Jacobians, and returns the largest
// relative difference.
func fdSumCheck(p *problem, opt cossim.Options, w []float64, out jsonSum) float64 {
	m := p.M()
	estD := make([]float64, len(out.GradD))
	estPhi := make([]float64, len(out.GradPhi))
	for _, z := range p.Z {
		est := cossim.NewResult(p.Problem, opt.Wrt)
		cossim.FiniteDifference(est, p.Problem, opt, z)
		for i := 0; i < m; i++ {
			wi := 1.0
			if w != nil {
				wi = w[i]
			}
			if est.GradD != nil {
				for k, v := range est.GradD.RawRowView(i) {
					estD[k] += wi * v
				}
			}
			if est.GradPhi != nil {
				for k, v := range est.GradPhi.RawRowView(i) {
					estPhi[k] += wi * v
				}
			}
		}
	}
	d := 0.0
	if len(estD) > 0 {
		d = max(d, cossim.MaxRelDiff(mat.NewDense(1, len(estD), out.GradD), mat.NewDense(1, len(estD), estD)))
	}
	if len(estPhi) > 0 {
		d = max(d, cossim.MaxRelDiff(mat.NewDense(1, len(estPhi), out.GradPhi), mat.NewDense(1, len(estPhi), estPhi)))
	}
	return d
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
