// Package cossim computes the squared cosine similarity between the input
// gradient of a scalar network Φ and the latent Jacobian columns of a network
// D, together with its exact Jacobians with respect to both networks'
// parameters:
//
//	x = D(z),  g = ∇Φ(x),  uᵢ = ∂D/∂zᵢ(z),
//	sᵢ = (g·uᵢ)² / (|g|² |uᵢ|²),  i = 1..m.
//
// D and Φ are graphs of ops (package graph) of any architecture; package
// layers builds them from dense networks and package onnx from PyTorch
// exports. Three engines compute the same Result on any pair of graphs:
//
//   - Adjoint (adjoint.go): one tangent pass through D, Φ's reverse sweep
//     for g, then the cotangents of all m outputs swept back together: through
//     Φ's second-order sweep (forward over reverse) and D's (reverse over
//     forward). It stacks a whole batch of latents in the rows of every
//     product, and is the fastest at every size measured.
//   - Forward (forward.go): one vectorized hyper-dual pass with no loop over
//     directions or parameters; its blocks grow with m·P.
//   - Looped (looped.go): one scalar hyper-dual pass per direction and
//     parameter, the reference.
//
// Each assembles ∂sᵢ/∂θ in one place: Adjoint.sweep, Forward.Eval and
// Looped.Eval, all through the scale-safe quotient rule of quotient.go. See
// docs/math.md for the derivation and docs/design.md for the layout.
package cossim

import (
	"fmt"

	"github.com/dualgrad/dualgrad/graph"
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
	// MaxMemory caps the bytes an engine may allocate for its workspace
	// (tapes, hyper-dual blocks, a batch's Jacobian buffer). Engines
	// refuse larger problems with a *BudgetError before allocating, and the
	// adjoint engine's batches are split into chunks that fit. Zero means
	// DefaultMaxMemory.
	MaxMemory int64
}

// DefaultMaxMemory is the memory budget when Options.MaxMemory is zero.
const DefaultMaxMemory = 1 << 30

func (o Options) budget() int64 {
	if o.MaxMemory == 0 {
		return DefaultMaxMemory
	}
	return o.MaxMemory
}

// Problem is the pair of networks. D maps a latent of m elements to a
// tensor of n elements; Φ maps a tensor of n elements (D's output, read in
// row-major order whatever the two shapes) to its output, of which element
// PhiOutput (row-major, from 0) is the scalar Φ: for a classifier's
// log-softmax output, the log-probability of class PhiOutput.
type Problem struct {
	D, Phi    *graph.Graph
	PhiOutput int
}

// M returns the latent dimension m, the number of elements of D's input.
// It panics with a message naming the mistake if D is missing.
func (p Problem) M() int { return p.graph("D", p.D).InputShape().Size() }

// N returns the data dimension n, the number of elements of D's output.
func (p Problem) N() int { return p.graph("D", p.D).OutputShape().Size() }

func (p Problem) graph(name string, g *graph.Graph) *graph.Graph {
	if g == nil {
		panic("cossim: Problem." + name + " is nil")
	}
	if g.Err() != nil || g.OutputNode() < 0 {
		panic(fmt.Sprintf("cossim: Problem.%s is not a valid graph (check Problem.Validate first): %v", name, g.Validate()))
	}
	return g
}

// Validate reports whether both graphs are present and valid
// (graph.Graph.Validate) and fit together: D's output has as many elements
// as Φ's input, and PhiOutput indexes Φ's output.
func (p Problem) Validate() error {
	for _, c := range [...]struct {
		name string
		g    *graph.Graph
	}{{"Φ", p.Phi}, {"D", p.D}} {
		if c.g == nil {
			return fmt.Errorf("cossim: %s network is missing", c.name)
		}
		if err := c.g.Validate(); err != nil {
			return fmt.Errorf("cossim: %s: %w", c.name, err)
		}
	}
	nd, np := p.D.OutputShape(), p.Phi.InputShape()
	if nd.Size() != np.Size() {
		return fmt.Errorf("cossim: D's output shape %v has %d elements and Φ's input shape %v has %d; they must have the same number", nd, nd.Size(), np, np.Size())
	}
	if k := p.Phi.OutputShape().Size(); p.PhiOutput < 0 || p.PhiOutput >= k {
		if k == 1 {
			return fmt.Errorf("cossim: PhiOutput = %d, but Φ has one output element (0)", p.PhiOutput)
		}
		return fmt.Errorf("cossim: PhiOutput = %d, want an element of Φ's output shape %v, 0 to %d", p.PhiOutput, p.Phi.OutputShape(), k-1)
	}
	if p.M() == 0 {
		return fmt.Errorf("cossim: D's input shape %v has no elements", p.D.InputShape())
	}
	return nil
}

// Result holds sᵢ, the pieces of its formula and its parameter Jacobians for
// one latent z. The Jacobians are named after the networks whose
// parameters they differentiate by: GradD is ∂s/∂θ and GradPhi ∂s/∂φ, each
// with one row per latent direction and one column per parameter, in the
// graphs' parameter order (graph.Graph.Params).
type Result struct {
	S          []float64  // sᵢ, length m
	Dot        []float64  // cᵢ = g·uᵢ
	GradNormSq float64    // |g|²
	ColNormSq  []float64  // |uᵢ|²
	GradD      *mat.Dense // ∂s/∂θ, m × P_D, or nil if not requested
	GradPhi    *mat.Dense // ∂s/∂φ, m × P_Φ, or nil if not requested
}

// NewResult allocates a Result sized for p, with the Jacobians that wrt
// selects. p must be valid (Problem.Validate); NewResult panics with a
// message naming the mistake otherwise.
func NewResult(p Problem, wrt Wrt) *Result {
	if err := p.Validate(); err != nil {
		panic(fmt.Sprintf("cossim: NewResult of an invalid problem: %v", err))
	}
	m := p.M()
	r := &Result{S: make([]float64, m), Dot: make([]float64, m), ColNormSq: make([]float64, m)}
	if wrt&WrtD != 0 && p.D.NumParams() > 0 {
		r.GradD = mat.NewDense(m, p.D.NumParams(), nil)
	}
	if wrt&WrtPhi != 0 && p.Phi.NumParams() > 0 {
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
