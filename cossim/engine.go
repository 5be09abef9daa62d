package cossim

import (
	"fmt"
	"strings"

	"github.com/dualgrad/dualgrad/layers"
)

// Kind names an engine.
type Kind int

// The engines. The zero value is EngineAuto.
const (
	EngineAuto    Kind = iota // chosen per problem by ChooseKind
	EngineForward             // Forward: one vectorized hyper-dual pass
	EngineAdjoint             // Adjoint: reverse mode over the tangent pass
	EngineLooped              // Looped: scalar passes, the reference
	numKinds
)

var kindNames = [numKinds]string{"auto", "forward", "adjoint", "looped"}

// String returns the engine's name as the command spells it, for example
// "adjoint".
func (k Kind) String() string {
	if k < 0 || k >= numKinds {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// ParseKind returns the engine named s: "auto", "forward", "adjoint" or
// "looped".
func ParseKind(s string) (Kind, error) {
	for k, name := range kindNames {
		if s == name {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("cossim: unknown engine %q (want %s)", s, strings.Join(kindNames[:], ", "))
}

// New returns an engine of kind k for p. EngineAuto picks the kind with
// ChooseKind. EngineForward returns NewForward's error if its blocks would
// exceed opt.ForwardMemory.
func New(p Problem, opt Options, k Kind) (Engine, error) {
	if k == EngineAuto {
		k = ChooseKind(p, opt)
	}
	switch k {
	case EngineForward:
		return engineOf(NewForward(p, opt))
	case EngineAdjoint:
		return engineOf(NewAdjoint(p, opt))
	case EngineLooped:
		return engineOf(NewLooped(p, opt))
	}
	return nil, fmt.Errorf("cossim: unknown engine %v", k)
}

// engineOf returns e as an Engine, or a nil Engine with err: a nil *Forward
// inside a non-nil Engine would defeat the caller's e != nil checks.
func engineOf[E Engine](e E, err error) (Engine, error) {
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ChooseKind returns the engine that New(p, opt, EngineAuto) uses: the one
// with the lower estimated time for one Eval, except that it never picks
// EngineForward when ForwardBytes(p, opt.Wrt) exceeds opt.ForwardMemory. It
// never picks EngineLooped, the reference, which is always the slowest.
//
// The model estimates nanoseconds as a fixed charge per call, per layer pass,
// per neuron (the activation) and, for the adjoint, per direction and layer,
// plus a charge per floating-point operation and per element of the m × P
// result written. For a layer
// n_out × n_in, with P_live the selected parameters of that layer and the
// layers before it (D first, then Φ),
//
//	Forward flops ≈ Σ 2·n_out·n_in·(m+2)·(1 + P_live)
//	Adjoint flops ≈ Σ_D 2·n_out·n_in·(m+1)            D's tangent pass
//	              + Σ_D 2·n_out·n_in·2m   (WrtD)      D's reverse sweep
//	              + Σ_Φ 2·n_out·n_in·2    + (WrtD or WrtPhi) Σ_Φ 2·n_out·n_in·2m
//	                                                  Φ's value, g and HVPs
//
// and the adjoint writes m·P rank-one entries. The constants were fitted to
// BenchmarkEngines and BenchmarkAdjoint on a 2-core AMD EPYC (Zen 4): there
// the Forward engine's fixed cost alone (2–2.5 µs per Eval on the post's
// toy, against 0.3–0.4 µs for the whole Adjoint Eval) exceeds the adjoint's
// time, and its flops grow with m·P per weight against the adjoint's 6m, so
// the model picks EngineAdjoint for every shape measured, from the post's
// toy (6.5× faster) through small (100×) and medium (1200×) to the large
// case, where Forward would need 67 GiB.
func ChooseKind(p Problem, opt Options) Kind {
	return defaultCost.choose(p, opt)
}

// costModel holds the constants of ChooseKind's model, in nanoseconds.
type costModel struct {
	neuron                                  float64 // both engines
	fwdCall, fwdLayer, fwdFlop              float64
	adjCall, adjLayer, adjDirLayer, adjFlop float64
	adjWrite                                float64
}

var defaultCost = costModel{
	neuron:  30,
	fwdCall: 1000, fwdLayer: 400, fwdFlop: 0.15,
	adjCall: 150, adjLayer: 60, adjDirLayer: 15, adjFlop: 0.25, adjWrite: 0.7,
}

// costNeurons returns the number of neurons of both networks.
func costNeurons(p Problem) float64 {
	n := 0
	for _, net := range []*layers.Network{p.D, p.Phi} {
		for i := range net.Layers {
			n += net.Layers[i].Out()
		}
	}
	return float64(n)
}

func (c costModel) choose(p Problem, opt Options) Kind {
	if checkProblem(p) != nil {
		return EngineAdjoint // New reports the problem's error
	}
	budget := opt.ForwardMemory
	if budget == 0 {
		budget = DefaultForwardMemory
	}
	if ForwardBytes(p, opt.Wrt) > budget {
		return EngineAdjoint
	}
	if c.forward(p, opt.Wrt) < c.adjoint(p, opt.Wrt) {
		return EngineForward
	}
	return EngineAdjoint
}

// forward estimates the Forward engine's time for one Eval.
func (c costModel) forward(p Problem, wrt Wrt) float64 {
	m := float64(p.M())
	live, flops, nl := 0.0, 0.0, 0
	for _, net := range []struct {
		ls  []layers.Layer
		sel bool
	}{{p.D.Layers, wrt&WrtD != 0}, {p.Phi.Layers, wrt&WrtPhi != 0}} {
		for i := range net.ls {
			in, out := float64(net.ls[i].In()), float64(net.ls[i].Out())
			if net.sel {
				live += out*in + out
			}
			flops += 2 * out * in * (m + 2) * (1 + live)
		}
		nl += len(net.ls)
	}
	return c.fwdCall + c.fwdLayer*float64(nl) + c.neuron*costNeurons(p) + c.fwdFlop*flops
}

// adjoint estimates the Adjoint engine's time for one Eval.
func (c costModel) adjoint(p Problem, wrt Wrt) float64 {
	m := float64(p.M())
	flops, written := 0.0, 0.0
	for i := range p.D.Layers {
		in, out := float64(p.D.Layers[i].In()), float64(p.D.Layers[i].Out())
		flops += 2 * out * in * (m + 1)
		if wrt&WrtD != 0 {
			flops += 2 * out * in * 2 * m
			written += m * (out*in + out)
		}
	}
	for i := range p.Phi.Layers {
		in, out := float64(p.Phi.Layers[i].In()), float64(p.Phi.Layers[i].Out())
		flops += 2 * out * in * 2
		if wrt != WrtNone {
			flops += 2 * out * in * 2 * m
		}
		if wrt&WrtPhi != 0 {
			written += m * (out*in + out)
		}
	}
	nl := float64(len(p.D.Layers) + len(p.Phi.Layers))
	return c.adjCall + (c.adjLayer+c.adjDirLayer*m)*nl + c.neuron*costNeurons(p) + c.adjFlop*flops + c.adjWrite*written
}
