package dual

import (
	"math"
	"testing"
)

func TestVarConst(t *testing.T) {
	for _, tc := range []struct {
		got, want Number
	}{
		{Var(2.5), Number{2.5, 1}},
		{Const(2.5), Number{2.5, 0}},
		{Var(math.Copysign(0, -1)), Number{math.Copysign(0, -1), 1}},
	} {
		if !sameFloat(tc.got.Real, tc.want.Real) || !sameFloat(tc.got.Eps, tc.want.Eps) {
			t.Errorf("got %v, want %v", tc.got, tc.want)
		}
	}
}
