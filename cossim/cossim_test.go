package cossim

import (
	"errors"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

func TestProblemValidate(t *testing.T) {
	good := func() Problem { p, _ := postExample(); return p }
	tests := []struct {
		name string
		edit func(*Problem)
		want string
	}{
		{"ok", func(*Problem) {}, ""},
		{"missing Φ", func(p *Problem) { p.Phi = nil }, "Φ network is missing"},
		{"missing D", func(p *Problem) { p.D = nil }, "D network is missing"},
		{"empty D", func(p *Problem) { p.D = &layers.Network{} }, "D:"},
		{"nil weight", func(p *Problem) { p.Phi.Layers[0].W = nil }, "Φ:"},
		{"two outputs", func(p *Problem) {
			p.Phi.Layers[0] = layers.Layer{W: mat.NewDense(2, 4, nil), B: make([]float64, 2)}
		}, "2 outputs"},
		{"widths", func(p *Problem) {
			p.Phi.Layers[0] = layers.Layer{W: mat.NewDense(1, 3, nil), B: make([]float64, 1)}
		}, "does not match"},
	}
	for _, tt := range tests {
		p := good()
		tt.edit(&p)
		err := p.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestCheckDefined(t *testing.T) {
	tests := []struct {
		g2   float64
		u2   []float64
		eps  float64
		dir  int // -2: no error
		want string
	}{
		{30, []float64{3, 25}, 0, -2, ""},
		{0, []float64{3, 25}, 0, -1, "zero gradient"},
		{30, []float64{3, 0}, 0, 1, "zero Jacobian column"},
		{1e-200, []float64{3, 1e-200}, 0, 1, "underflows"},
		{0, []float64{0, 0}, 1e-12, -2, ""}, // regularized
	}
	for _, tt := range tests {
		err := checkDefined(tt.g2, tt.u2, tt.eps)
		if tt.dir == -2 {
			if err != nil {
				t.Errorf("checkDefined(%g, %v, %g) = %v, want nil", tt.g2, tt.u2, tt.eps, err)
			}
			continue
		}
		var ue *UndefinedError
		if !errors.As(err, &ue) || ue.Direction != tt.dir || !strings.Contains(ue.Error(), tt.want) {
			t.Errorf("checkDefined(%g, %v, %g) = %v, want direction %d and %q", tt.g2, tt.u2, tt.eps, err, tt.dir, tt.want)
		}
	}
}
