package cossim

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseKind(t *testing.T) {
	for _, c := range []struct {
		s    string
		want Kind
		ok   bool
	}{
		{"auto", EngineAuto, true},
		{"forward", EngineForward, true},
		{"adjoint", EngineAdjoint, true},
		{"looped", EngineLooped, true},
		{"Adjoint", 0, false},
		{"", 0, false},
		{"reverse", 0, false},
	} {
		k, err := ParseKind(c.s)
		if (err == nil) != c.ok || (c.ok && k != c.want) {
			t.Errorf("ParseKind(%q) = %v, %v", c.s, k, err)
		}
		if c.ok && k.String() != c.s {
			t.Errorf("%v.String() = %q, want %q", k, k.String(), c.s)
		}
	}
	if s := Kind(9).String(); s != "Kind(9)" {
		t.Errorf("Kind(9).String() = %q", s)
	}
}

func TestNew(t *testing.T) {
	p, _ := adjPost()
	for _, c := range []struct {
		k    Kind
		want string
	}{
		{EngineAuto, "*cossim.Adjoint"}, // see TestChooseKind
		{EngineForward, "*cossim.Forward"},
		{EngineAdjoint, "*cossim.Adjoint"},
		{EngineLooped, "*cossim.Looped"},
	} {
		e, err := New(p, Options{Wrt: WrtD}, c.k)
		if err != nil {
			t.Fatalf("%v: %v", c.k, err)
		}
		if got := fmt.Sprintf("%T", e); got != c.want {
			t.Errorf("New(%v) is %s, want %s", c.k, got, c.want)
		}
	}
	if _, err := New(p, Options{}, Kind(9)); err == nil {
		t.Error("New(Kind(9)) gave no error")
	}
}

// adjLarge is issue 5's large case: m = 16, D: 16→256→256→784 and
// Φ: 784→256→1, tanh throughout.
func adjLarge() Problem {
	p, _ := adjBenchProblem(adjBenchCases[3], 1)
	return p
}

// TestChooseKind checks the engine choice on the post's toy and the large
// case. The adjoint engine is the faster on both: BenchmarkEngines measured
// 2.0–2.5 µs (forward) against 0.32–0.39 µs (adjoint) per Eval on the toy, and on
// the large case the forward engine would need 67 GiB.
func TestChooseKind(t *testing.T) {
	toy, _ := adjPost()
	large := adjLarge()
	if pd := large.D.NumParams(); pd != 271632 {
		t.Fatalf("large case has P_D = %d, want 271,632", pd)
	}
	for _, c := range []struct {
		name string
		p    Problem
		wrt  Wrt
		want Kind
	}{
		{"toy", toy, WrtD, EngineAdjoint},
		{"toy/both", toy, WrtBoth, EngineAdjoint},
		{"toy/none", toy, WrtNone, EngineAdjoint},
		{"large", large, WrtD, EngineAdjoint},
	} {
		if k := ChooseKind(c.p, Options{Wrt: c.wrt}); k != c.want {
			t.Errorf("%s: ChooseKind = %v, want %v (estimates: forward %.3g ns, adjoint %.3g ns)",
				c.name, k, c.want, defaultCost.forward(c.p, c.wrt), defaultCost.adjoint(c.p, c.wrt))
		}
	}
	// The large case's forward blocks far exceed the default budget, and
	// New refuses them with an error rather than trying to allocate.
	if b := ForwardBytes(large, WrtD); b <= DefaultForwardMemory {
		t.Errorf("large case: ForwardBytes = %d, want more than %d", b, int64(DefaultForwardMemory))
	}
	_, err := New(large, Options{Wrt: WrtD}, EngineForward)
	if err == nil || !strings.Contains(err.Error(), "budget") {
		t.Errorf("New(large, forward) = %v, want a budget error", err)
	} else {
		t.Logf("large case, forward engine: %v", err)
	}
}

// TestChooseKindBudget checks that the memory budget overrides the cost
// estimate, with a model in which the forward engine is free.
func TestChooseKindBudget(t *testing.T) {
	p, _ := adjPost()
	free := costModel{adjCall: 1}
	need := ForwardBytes(p, WrtD)
	for _, c := range []struct {
		budget int64
		want   Kind
	}{
		{0, EngineForward}, // the default, 1 GiB
		{need, EngineForward},
		{need - 1, EngineAdjoint},
	} {
		if k := free.choose(p, Options{Wrt: WrtD, ForwardMemory: c.budget}); k != c.want {
			t.Errorf("budget %d (need %d): chose %v, want %v", c.budget, need, k, c.want)
		}
	}
	// An invalid problem is left to New to report.
	if k := free.choose(Problem{}, Options{}); k != EngineAdjoint {
		t.Errorf("invalid problem: chose %v", k)
	}
	if _, err := New(Problem{}, Options{}, EngineAuto); err == nil {
		t.Error("New(invalid problem, auto) gave no error")
	}
}
