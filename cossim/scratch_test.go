package cossim

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/nn"
)

// TestAdjointCountsScratch checks that the adjoint engine's budget counts
// the tapes' shared scratch (a convolution's column matrices) beside the
// per-latent blocks: a budget one byte short of both is refused, naming
// what it needs, and one of exactly both is accepted.
func TestAdjointCountsScratch(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	b := nn.NewBuilder(rng)
	D, err := b.Build(b.Tanh(b.Linear("fc", b.Input("z", 2), 64)))
	if err != nil {
		t.Fatal(err)
	}
	b = nn.NewBuilder(rng)
	h := b.Tanh(b.Conv2d("conv", b.Input("x", 1, 1, 8, 8), 4, 3)) // 4 × 6 × 6
	Phi, err := b.Build(b.Linear("out", b.Flatten(h, 1), 1))
	if err != nil {
		t.Fatal(err)
	}
	p := Problem{D: D, Phi: Phi}
	a, err := NewAdjoint(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	scratch := graph.ScratchFloats(Phi)
	if scratch == 0 || a.fixed != 8*int64(graph.ScratchFloats(D)+scratch) {
		t.Fatalf("scratch %d floats, fixed %d bytes", scratch, a.fixed)
	}
	need := a.fixed + a.bytesPerLatent(true, false)
	var be *BudgetError
	if _, err := NewAdjoint(p, Options{MaxMemory: need - 1}); !errors.As(err, &be) || be.Need != need {
		t.Errorf("budget %d: %v, want a BudgetError needing %d", need-1, err, need)
	}
	if _, err := NewAdjoint(p, Options{MaxMemory: need}); err != nil {
		t.Errorf("budget %d: %v", need, err)
	}
}
