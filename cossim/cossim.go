// Package cossim computes the squared cosine similarity between the input
// gradient of a scalar network Φ and the latent Jacobian columns of a network
// D, together with its exact Jacobians with respect to both networks'
// parameters:
//
//	x = D(z),  g = ∇Φ(x),  uᵢ = ∂D/∂zᵢ(z),
//	sᵢ = (g·uᵢ)² / (|g|² |uᵢ|²),  i = 1..m.
//
// Three engines compute the same Result: Forward (one vectorized hyper-dual
// pass with no loop over directions or parameters; its blocks grow with m·P,
// so it suits small networks), Adjoint (reverse mode over the loop-free
// tangent pass; the fastest at every size measured, and the one
// EngineAuto picks in practice) and Looped (one scalar pass per direction
// and parameter, the reference). See docs/math.md for the derivation and
// docs/benchmarks.md for the timings.
package cossim

import (
	"fmt"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// Wrt selects which parameter Jacobians an engine computes.
type Wrt int

// Parameter sets. They may be combined with |.
const (
	WrtD    Wrt = 1 << iota // D's parameters θ
	WrtPhi                  // Φ's parameters φ
	WrtNone Wrt = 0         // values only
	WrtBoth     = WrtD | WrtPhi
)

// Options configure an engine.
type Options struct {
	// Wrt selects the parameter Jacobians to compute.
	Wrt Wrt
	// Eps, if positive, is added to the denominator |g|²|uᵢ|², so that a
	// zero gradient or column gives sᵢ = 0 instead of an error.
	Eps float64
	// ForwardMemory caps the bytes the Forward engine may allocate for its
	// hyper-dual blocks; NewForward refuses a larger problem with an error.
	// Zero means DefaultForwardMemory.
	ForwardMemory int64
}

// DefaultForwardMemory is the Forward engine's memory budget when
// Options.ForwardMemory is zero.
const DefaultForwardMemory = 1 << 30

// Problem is the pair of networks. Φ maps Rⁿ to R and D maps Rᵐ to Rⁿ.
type Problem struct {
	Phi *layers.Network // Φ: Rⁿ → R, whose input gradient is g
	D   *layers.Network // D: Rᵐ → Rⁿ, whose latent Jacobian columns are uᵢ
}

// M returns the latent dimension m.
func (p Problem) M() int { return p.D.In() }

// N returns the data dimension n.
func (p Problem) N() int { return p.D.Out() }

// Validate reports whether both networks are present and valid
// (layers.Network.Validate) and fit together.
func (p Problem) Validate() error {
	for _, c := range [...]struct {
		name string
		net  *layers.Network
	}{{"Φ", p.Phi}, {"D", p.D}} {
		if c.net == nil {
			return fmt.Errorf("cossim: %s network is missing", c.name)
		}
		if err := c.net.Validate(); err != nil {
			return fmt.Errorf("cossim: %s: %w", c.name, err)
		}
	}
	switch {
	case p.Phi.Out() != 1:
		return fmt.Errorf("cossim: Φ has %d outputs, want 1", p.Phi.Out())
	case p.D.Out() != p.Phi.In():
		return fmt.Errorf("cossim: D's output width %d does not match Φ's input width %d", p.D.Out(), p.Phi.In())
	}
	return nil
}

// Result holds sᵢ, the pieces of its formula and its parameter Jacobians for
// one latent z.
type Result struct {
	S          []float64 // sᵢ, length m
	Dot        []float64 // cᵢ = g·uᵢ
	GradNormSq float64   // |g|²
	ColNormSq  []float64 // |uᵢ|²
	// GradD is ∂s/∂θ, m × P_D with parameters in PyTorch order, or nil if
	// not requested.
	GradD *mat.Dense
	// GradPhi is ∂s/∂φ, m × P_Φ, or nil if not requested.
	GradPhi *mat.Dense
}

// NewResult allocates a Result sized for p, with the Jacobians that wrt
// selects. p must be valid (Problem.Validate); NewResult panics otherwise.
func NewResult(p Problem, wrt Wrt) *Result {
	m := p.M()
	r := &Result{S: make([]float64, m), Dot: make([]float64, m), ColNormSq: make([]float64, m)}
	if wrt&WrtD != 0 {
		r.GradD = mat.NewDense(m, p.D.NumParams(), nil)
	}
	if wrt&WrtPhi != 0 {
		r.GradPhi = mat.NewDense(m, p.Phi.NumParams(), nil)
	}
	return r
}

// Engine evaluates a Result for one latent. An engine owns its workspace and
// is not safe for concurrent use; after the first call, Eval makes no
// allocations. res must come from NewResult with the engine's Wrt.
type Engine interface {
	Eval(res *Result, z []float64) error
}

// UndefinedError reports a cosine that is undefined because |g| = 0 or
// |uᵢ| = 0 and Options.Eps is zero.
type UndefinedError struct {
	Sample    int    // index of the latent in a batch, 0 for a single latent
	Direction int    // latent direction i, from 0; -1 when |g| = 0 for all i
	Cause     string // "zero gradient of Φ" or "zero Jacobian column of D"
}

// Error names the sample and the direction, both counted from 0.
func (e *UndefinedError) Error() string {
	if e.Direction < 0 {
		return fmt.Sprintf("cossim: cosine undefined at sample %d (from 0): %s; add Options.Eps (-eps) to regularize", e.Sample, e.Cause)
	}
	return fmt.Sprintf("cossim: cosine undefined at sample %d, direction %d (both from 0): %s; add Options.Eps (-eps) to regularize", e.Sample, e.Direction, e.Cause)
}

// checkDefined returns an *UndefinedError if a denominator is zero and eps
// does not regularize it.
func checkDefined(g2 float64, u2 []float64, eps float64) error {
	if eps > 0 {
		return nil
	}
	if g2 == 0 {
		return &UndefinedError{Direction: -1, Cause: "zero gradient of Φ"}
	}
	for i, u := range u2 {
		if u == 0 {
			return &UndefinedError{Direction: i, Cause: "zero Jacobian column of D"}
		}
		if g2*u == 0 { // both tiny: the product underflows and s would be 0/0
			return &UndefinedError{Direction: i, Cause: "|g|²·|uᵢ|² underflows to 0"}
		}
	}
	return nil
}

// quotientGrad writes ∂s/∂p for s = c²/(G·U + eps) into dst, given the
// derivatives dc, dG and dU of c, G and U with respect to the same
// parameters. Any of dc, dG, dU may be nil, meaning zero.
func quotientGrad(dst []float64, c, G, U, eps float64, dc, dG, dU []float64) {
	q := G*U + eps
	a := 2 * c / q
	b := c * c / (q * q)
	for k := range dst {
		v := 0.0
		if dc != nil {
			v += a * dc[k]
		}
		if dG != nil {
			v -= b * U * dG[k]
		}
		if dU != nil {
			v -= b * G * dU[k]
		}
		dst[k] = v
	}
}
