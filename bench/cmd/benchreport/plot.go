package main

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// series is one line of the plot: an implementation across the cases.
type series struct {
	label string
	style int // 0 solid (dualgrad), 1 dashed (PyTorch), 2 dotted (dualgrad's second run)
	get   func(*CaseReport) Timing
	color color.Color
	glyph draw.GlyphDrawer
}

const (
	solid = iota
	dashed
	dotted
)

// plotSeries lists the plotted implementations: every dualgrad engine of
// the primary run and PyTorch's functorch, looped and fastest method, for
// the full Jacobian, and both sides' Σsᵢ gradient; with a second Go run,
// its adjoint engine and SumGrad.
func plotSeries(r *Report) []series {
	goT := func(run int, k string) func(*CaseReport) Timing {
		return func(c *CaseReport) Timing {
			if run >= len(c.Go) {
				return Timing{}
			}
			return c.Go[run].T[k]
		}
	}
	torchT := func(k string) func(*CaseReport) Timing { return func(c *CaseReport) Timing { return c.Torch[k] } }
	fastest := func(k string) func(*CaseReport) Timing { return func(c *CaseReport) Timing { return c.Fastest[k] } }
	// Okabe–Ito colours, distinguishable with colour blindness; the looped
	// and the ∇Σs pairs share a colour.
	var (
		blue      = color.RGBA{0, 114, 178, 255}
		green     = color.RGBA{0, 158, 115, 255}
		orange    = color.RGBA{230, 159, 0, 255}
		purple    = color.RGBA{204, 121, 167, 255}
		vermilion = color.RGBA{213, 94, 0, 255}
		black     = color.RGBA{0, 0, 0, 255}
	)
	label := "dualgrad"
	if len(r.Runs) > 1 {
		label = "dualgrad (" + r.Runs[0].Label + ")"
	}
	ss := []series{
		{label + " forward", solid, goT(0, "forward"), blue, draw.CircleGlyph{}},
		{label + " adjoint", solid, goT(0, "adjoint"), green, draw.SquareGlyph{}},
		{label + " looped", solid, goT(0, "looped"), orange, draw.TriangleGlyph{}},
		{label + " SumGrad (∇Σs)", solid, goT(0, "sumgrad"), purple, draw.PyramidGlyph{}},
	}
	if len(r.Runs) > 1 {
		l2 := "dualgrad (" + r.Runs[1].Label + ")"
		ss = append(ss,
			series{l2 + " adjoint", dotted, goT(1, "adjoint"), green, draw.SquareGlyph{}},
			series{l2 + " SumGrad (∇Σs)", dotted, goT(1, "sumgrad"), purple, draw.PyramidGlyph{}})
	}
	return append(ss,
		series{"PyTorch functorch", dashed, torchT("functorch"), vermilion, draw.RingGlyph{}},
		series{"PyTorch looped", dashed, torchT("looped"), orange, draw.BoxGlyph{}},
		series{"PyTorch fastest (full ∂s/∂θ_D)", dashed, fastest("jac"), black, draw.CrossGlyph{}},
		series{"PyTorch fastest ∇Σs", dashed, fastest("sumgrad"), purple, draw.PlusGlyph{}})
}

// Points returns the (case index, seconds) points of s over the report's
// cases, leaving out the cases it was not measured on. The cases are evenly
// spaced, smallest first: large's and mnist's P_D are too close for a log
// P_D axis to tell them apart.
func (r *Report) Points(s series) plotter.XYs {
	var xy plotter.XYs
	for i := range r.Cases {
		if t := s.get(&r.Cases[i]); t.OK() {
			xy = append(xy, plotter.XY{X: float64(i), Y: t.Sec})
		}
	}
	return xy
}

// WritePlot draws time against the case, labelled with its P_D, on a log
// time axis as SVG.
func WritePlot(w io.Writer, r *Report) error {
	p := plot.New()
	p.Title.Text = "Median time per call (float64): s with ∂s/∂θ_D, or ∇Σs"
	p.X.Label.Text = "case, and P_D, the number of D's parameters"
	p.Y.Label.Text = "median time per call"
	p.Y.Scale = plot.LogScale{}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(64) // past the y tick labels, into the empty top left
	p.Add(plotter.NewGrid())

	var xt plot.ConstantTicks
	for i, c := range r.Cases {
		xt = append(xt, plot.Tick{Value: float64(i), Label: fmt.Sprintf("%s\nP_D %d", c.Name, c.PD)})
	}
	p.X.Tick.Marker = xt

	ymin, ymax := math.Inf(1), math.Inf(-1)
	n := 0
	for _, s := range plotSeries(r) {
		xy := r.Points(s)
		if len(xy) == 0 {
			continue
		}
		n++
		for _, pt := range xy {
			ymin, ymax = math.Min(ymin, pt.Y), math.Max(ymax, pt.Y)
		}
		line, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return err
		}
		line.Color, pts.Color = s.color, s.color
		line.Width = vg.Points(1.5)
		pts.Shape = s.glyph
		pts.Radius = vg.Points(3)
		switch s.style {
		case dashed:
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			pts.Radius = vg.Points(3.5)
		case dotted:
			line.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
			pts.Radius = vg.Points(2.5)
		}
		p.Add(line, pts)
		p.Legend.Add(s.label, line, pts)
	}
	if n == 0 {
		return fmt.Errorf("plot: nothing was measured")
	}
	p.Y.Tick.Marker = timeTicks{}
	// Room for the legend above the data.
	p.Y.Min, p.Y.Max = math.Pow10(int(math.Floor(math.Log10(ymin)))), math.Pow10(int(math.Ceil(math.Log10(ymax)))+2)
	p.X.Min, p.X.Max = -0.5, float64(len(r.Cases))-0.5
	wt, err := p.WriterTo(8*vg.Inch, 6*vg.Inch, plotFormat)
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}

// timeTicks labels the powers of ten on a log time axis in seconds.
type timeTicks struct{}

func (timeTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for e := int(math.Floor(math.Log10(min))); e <= int(math.Ceil(math.Log10(max))); e++ {
		v := math.Pow10(e)
		ts = append(ts, plot.Tick{Value: v, Label: fmtPow(e)})
		for k := 2; k < 10; k++ {
			ts = append(ts, plot.Tick{Value: float64(k) * v})
		}
	}
	return ts
}

// fmtPow names 10^e seconds: 1 ns, 10 ns, …, 1 s, 10 s.
func fmtPow(e int) string {
	units := []struct {
		exp  int
		name string
	}{{-9, "ns"}, {-6, "µs"}, {-3, "ms"}, {0, "s"}}
	for i := len(units) - 1; i >= 0; i-- {
		if e >= units[i].exp || i == 0 {
			return fmt.Sprintf("%g %s", math.Pow10(e-units[i].exp), units[i].name)
		}
	}
	return ""
}

// plotFormat is the image format WritePlot writes; tests may change it.
var plotFormat = "svg"
