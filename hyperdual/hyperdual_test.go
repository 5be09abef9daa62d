package hyperdual

import "testing"

func TestVarConst(t *testing.T) {
	for _, tc := range []struct {
		got, want Number
	}{
		{Var(2.5), Number{2.5, 1, 1, 0}},
		{Const(2.5), Number{2.5, 0, 0, 0}},
		{Var(negZero), Number{negZero, 1, 1, 0}},
		{Number{}, Const(0)},
	} {
		if !sameNumber(tc.got, tc.want) {
			t.Errorf("got %v, want %v", tc.got, tc.want)
		}
	}
}
