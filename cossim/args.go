package cossim

import (
	"errors"
	"fmt"
	"math"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// The engines' argument checks, shared so that every engine reports the same
// mistake with the same message.

// engine holds what every engine checks its arguments against.
type engine struct {
	p      Problem
	opt    Options
	m      int
	pd, pf int // P_D and P_Φ
	shape  problemShape
}

// newEngine validates p and opt and returns the common part of an engine.
func newEngine(p Problem, opt Options) (engine, error) {
	if err := checkProblem(p); err != nil {
		return engine{}, err
	}
	if err := checkOptions(opt); err != nil {
		return engine{}, err
	}
	return engine{p: p, opt: opt, m: p.M(), pd: p.D.NumParams(), pf: p.Phi.NumParams(), shape: recordShape(p)}, nil
}

// checkEval reports whether the networks kept their shapes and z and res
// fit an Eval.
func (e *engine) checkEval(res *Result, z []float64) error {
	if err := e.shape.check(); err != nil {
		return err
	}
	if err := checkLatent(z, e.m); err != nil {
		return err
	}
	return checkResult(res, e.m, e.opt.Wrt, e.pd, e.pf)
}

// checkProblem validates both networks completely (every layer's shapes,
// numbers and activation) and that they fit together, so that the engines
// can index without further checks.
func checkProblem(p Problem) error { return p.Validate() }

// checkOptions validates the options that every engine uses.
func checkOptions(opt Options) error {
	if opt.Wrt&^WrtBoth != 0 {
		return fmt.Errorf("cossim: unknown Wrt value %d", int(opt.Wrt))
	}
	if !(opt.Eps >= 0) || math.IsInf(opt.Eps, 1) {
		return fmt.Errorf("cossim: Eps = %v, want a finite number ≥ 0", opt.Eps)
	}
	return nil
}

// checkLatent reports whether z is a finite latent of length m.
func checkLatent(z []float64, m int) error {
	if len(z) != m {
		return fmt.Errorf("cossim: z has length %d, want %d", len(z), m)
	}
	for i, v := range z {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("cossim: z[%d] = %v is not finite", i, v)
		}
	}
	return nil
}

// checkWeights reports whether w is nil or m finite weights.
func checkWeights(w []float64, m int) error {
	if w == nil {
		return nil
	}
	if len(w) != m {
		return fmt.Errorf("cossim: weights have length %d, want %d", len(w), m)
	}
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("cossim: weights[%d] = %v is not finite", i, v)
		}
	}
	return nil
}

// checkSumArgs reports whether SumGrad's gradients (nil or of lengths pd
// and pf) and weights (see checkWeights) fit.
func checkSumArgs(gradD, gradPhi, w []float64, m, pd, pf int) error {
	switch {
	case gradD != nil && len(gradD) != pd:
		return fmt.Errorf("cossim: gradD has length %d, want P_D = %d", len(gradD), pd)
	case gradPhi != nil && len(gradPhi) != pf:
		return fmt.Errorf("cossim: gradPhi has length %d, want P_Φ = %d", len(gradPhi), pf)
	}
	return checkWeights(w, m)
}

// checkResult reports whether res fits an engine with m latent directions,
// the Jacobians wrt selects and pd, pf parameters, naming the first field
// that does not.
func checkResult(res *Result, m int, wrt Wrt, pd, pf int) error {
	if res == nil {
		return errors.New("cossim: result is nil; make it with NewResult")
	}
	if len(res.S) != m || len(res.Dot) != m || len(res.ColNormSq) != m {
		for _, f := range [...]struct {
			name string
			n    int
		}{{"S", len(res.S)}, {"Dot", len(res.Dot)}, {"ColNormSq", len(res.ColNormSq)}} {
			if f.n != m {
				return fmt.Errorf("cossim: result's %s has length %d, want m = %d; make the result with NewResult", f.name, f.n, m)
			}
		}
	}
	if wrt&WrtD != 0 {
		if err := checkJacobian("GradD", res.GradD, m, pd); err != nil {
			return err
		}
	}
	if wrt&WrtPhi != 0 {
		return checkJacobian("GradPhi", res.GradPhi, m, pf)
	}
	return nil
}

// checkJacobian reports whether g, the result's field name, is m × p.
func checkJacobian(name string, g *mat.Dense, m, p int) error {
	if g == nil {
		return fmt.Errorf("cossim: result has no %s; make it with NewResult and the engine's Wrt", name)
	}
	if r, c := g.Dims(); r != m || c != p {
		return fmt.Errorf("cossim: result's %s is %d × %d, want %d × %d", name, r, c, m, p)
	}
	return nil
}

// checkFinite reports a non-finite piece of s: the networks overflow at
// this latent, or their parameters were set to non-finite values after the
// engine was made. It names the first offending direction. c needs no
// check: c² ≤ |g|²·|u|² by Cauchy–Schwarz.
func checkFinite(g2 float64, u2 []float64) error {
	if math.IsNaN(g2) || math.IsInf(g2, 0) {
		return fmt.Errorf("cossim: |g|² = %v is not finite: a network overflows at this z, or has non-finite parameters", g2)
	}
	for i, u := range u2 {
		if math.IsNaN(u) || math.IsInf(u, 0) {
			return fmt.Errorf("cossim: direction %d (from 0): |u|² = %v is not finite: D overflows at this z, or has non-finite parameters", i, u)
		}
		if math.IsInf(g2*u, 0) {
			return fmt.Errorf("cossim: direction %d (from 0): |g|²·|u|² = %v·%v overflows", i, g2, u)
		}
	}
	return nil
}

// numActivations is the number of layers.Activation values, which are the
// constants 0, 1, … up to the first whose name does not parse. Comparing
// with it is the per-call validity check (ParseActivation(a.String()) costs
// a string comparison per name).
var numActivations = func() layers.Activation {
	var a layers.Activation
	for {
		if _, ok := layers.ParseActivation(a.String()); !ok {
			return a
		}
		a++
	}
}()

// netShape records a network's layer shapes when an engine is made, so that
// later calls can report a network changed in place instead of indexing out
// of range or reading stale buffers.
type netShape struct {
	name   string // "Φ" or "D"
	net    *layers.Network
	layers [][2]int // out, in
}

// problemShape records both networks of a valid problem.
type problemShape [2]netShape

func recordShape(p Problem) problemShape {
	var s problemShape
	for k, c := range [...]struct {
		name string
		net  *layers.Network
	}{{"Φ", p.Phi}, {"D", p.D}} {
		s[k] = netShape{name: c.name, net: c.net, layers: make([][2]int, len(c.net.Layers))}
		for l := range c.net.Layers {
			s[k].layers[l] = [2]int{c.net.Layers[l].Out(), c.net.Layers[l].In()}
		}
	}
	return s
}

// check reports whether the networks still have the recorded layer shapes,
// bias lengths and valid activations. It costs O(layers): parameter values
// may change between calls, and a non-finite one is caught by checkFinite.
func (s *problemShape) check() error {
	for k := range s {
		ns := &s[k]
		if len(ns.net.Layers) != len(ns.layers) {
			return fmt.Errorf("cossim: %s has %d layers, had %d when the engine was made; make a new engine", ns.name, len(ns.net.Layers), len(ns.layers))
		}
		for l, want := range ns.layers {
			lay := &ns.net.Layers[l]
			var r, c int
			if lay.W != nil {
				r, c = lay.W.Dims()
			}
			switch {
			case r != want[0] || c != want[1]:
				return fmt.Errorf("cossim: %s: layer %d: weight is %d × %d, was %d × %d when the engine was made; make a new engine", ns.name, l, r, c, want[0], want[1])
			case len(lay.B) != want[0]:
				return fmt.Errorf("cossim: %s: layer %d: bias has length %d, was %d when the engine was made; make a new engine", ns.name, l, len(lay.B), want[0])
			}
			if lay.Act < 0 || lay.Act >= numActivations {
				return fmt.Errorf("cossim: %s: layer %d: activation: invalid value %d", ns.name, l, int(lay.Act))
			}
		}
	}
	return nil
}
