package cossim

import (
	"fmt"
	"strings"
	"time"

	"github.com/dualgrad/dualgrad/graph"
)

// Kind names an engine.
type Kind int

// The engines. The zero value is KindAuto.
const (
	KindAuto    Kind = iota // chosen per problem by ChooseKind
	KindForward             // Forward: one vectorized hyper-dual pass
	KindAdjoint             // Adjoint: reverse mode over the tangent pass
	KindLooped              // Looped: scalar passes, the reference
	numKinds
)

var kindNames = [numKinds]string{"auto", "forward", "adjoint", "looped"}

// String returns the engine's name as ParseKind spells it, for example
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
	return 0, fmt.Errorf("cossim: unknown engine %s (want %s)", graph.Quote(s), strings.Join(kindNames[:], ", "))
}

var wrtNames = map[string]Wrt{"none": WrtNone, "d": WrtD, "phi": WrtPhi, "both": WrtBoth}

// String returns the parameter set's name as ParseWrt spells it.
func (w Wrt) String() string {
	for name, v := range wrtNames {
		if v == w {
			return name
		}
	}
	return fmt.Sprintf("Wrt(%d)", int(w))
}

// ParseWrt returns the parameter set named s: "d", "phi", "both" or "none".
func ParseWrt(s string) (Wrt, error) {
	if w, ok := wrtNames[s]; ok {
		return w, nil
	}
	return 0, fmt.Errorf("cossim: unknown parameter set %s (want d, phi, both or none)", graph.Quote(s))
}

// New returns an engine of kind k for p. KindAuto picks the kind with
// ChooseKind. Engines whose workspace would exceed opt.MaxMemory are
// refused with a *BudgetError.
func New(p Problem, opt Options, k Kind) (Engine, error) {
	if k == KindAuto {
		k = ChooseKind(p, opt)
	}
	switch k {
	case KindForward:
		return engineOf(NewForward(p, opt))
	case KindAdjoint:
		return engineOf(NewAdjoint(p, opt))
	case KindLooped:
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

// ChooseKind returns the engine that New(p, opt, KindAuto) uses: the one
// with the lower estimated time for one Eval, never KindForward when its
// blocks exceed opt.MaxMemory, and never KindLooped, the reference, which
// is always the slowest.
//
// The estimate reads only the graphs, through each op's Cost (flops of one
// row) and node sizes, so it covers every architecture. With F_D and F_Φ
// the flops of one plain pass through D and Φ, S the elements of all nodes
// and P_sel the selected parameters,
//
//	Adjoint ≈ call + (3m+1)·F_D + (2m+2)·F_Φ flops + (3m+2)·S element steps + m·P_sel writes
//	Forward ≈ call + (1 + m + P_sel + m·P_sel)·(F_D + F_Φ) flops + the same in element steps
//
// with per-flop and per-element costs fitted to the benchmarks (bench/).
// The forward engine's blocks grow with m·P per element, so the model
// picks it only for tiny networks, if ever; on the benchmark machine the
// adjoint engine is faster for every shape measured.
func ChooseKind(p Problem, opt Options) Kind {
	if p.Validate() != nil || checkOptions(opt) != nil {
		return KindAdjoint // New reports the error
	}
	if forwardBytes(p, opt.Wrt) > opt.budget() {
		return KindAdjoint
	}
	if defaultCost.forward(p, opt.Wrt) < defaultCost.adjoint(p, opt.Wrt) {
		return KindForward
	}
	return KindAdjoint
}

// costModel holds the constants of ChooseKind's model, in nanoseconds.
type costModel struct {
	fwdCall, adjCall float64 // per Eval
	node             float64 // per node and pass
	flop, elem       float64 // per flop and per element step
	write            float64 // per Jacobian entry written
}

var defaultCost = costModel{fwdCall: 1000, adjCall: 300, node: 40, flop: 0.1, elem: 1, write: 0.7}

// graphCost returns a graph's flops for one plain pass, its number of
// elements over all nodes and its number of nodes.
func graphCost(g *graph.Graph) (flops, elems, nodes float64) {
	for i := 0; i < g.Len(); i++ {
		if g.Kind(i) == graph.KindOp {
			flops += g.Op(i).Cost()
			elems += float64(g.Shape(i).Size())
			nodes++
		}
	}
	return flops, elems, nodes
}

func selected(p Problem, wrt Wrt) float64 {
	n := 0
	if wrt&WrtD != 0 {
		n += p.D.NumParams()
	}
	if wrt&WrtPhi != 0 {
		n += p.Phi.NumParams()
	}
	return float64(n)
}

func (c costModel) adjoint(p Problem, wrt Wrt) float64 {
	m := float64(p.M())
	fd, ed, nd := graphCost(p.D)
	ff, ef, nf := graphCost(p.Phi)
	return c.adjCall + c.node*4*(nd+nf) + c.flop*((3*m+1)*fd+(2*m+2)*ff) + c.elem*(3*m+2)*(ed+ef) + c.write*m*selected(p, wrt)
}

func (c costModel) forward(p Problem, wrt Wrt) float64 {
	m, P := float64(p.M()), selected(p, wrt)
	fd, ed, nd := graphCost(p.D)
	ff, ef, nf := graphCost(p.Phi)
	rows := 1 + m + P + m*P
	return c.fwdCall + c.node*5*(nd+nf) + c.flop*rows*(fd+ff) + c.elem*rows*(ed+ef)
}

// LoopedTime estimates the looped engine's time for one Eval: (m + n)·(1 +
// P_sel) scalar hyper-dual passes of both networks, at the per-flop and
// per-node costs of the scalar pass. The command refuses looped runs that
// would take hours.
func LoopedTime(p Problem, wrt Wrt) time.Duration {
	if p.Validate() != nil {
		return 0
	}
	fd, ed, nd := graphCost(p.D)
	ff, ef, nf := graphCost(p.Phi)
	passes := float64(p.M()+p.N()) * (1 + selected(p, wrt))
	perPass := loopedFlop*(fd+ff) + loopedElem*(ed+ef) + loopedNode*(nd+nf)
	return time.Duration(passes * perPass)
}

// The scalar pass's costs in nanoseconds, fitted to BenchmarkCossim's
// looped rows (bench/).
const loopedFlop, loopedElem, loopedNode = 3, 10, 200
