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
	torch bool // drawn dashed
	get   func(*CaseReport) Timing
	color color.Color
	glyph draw.GlyphDrawer
}

// plotSeries lists the plotted implementations: every dualgrad engine and
// PyTorch's functorch, looped and best, for the full Jacobian, and both
// sides' Σsᵢ gradient.
func plotSeries() []series {
	goT := func(k string) func(*CaseReport) Timing { return func(c *CaseReport) Timing { return c.Go[k] } }
	torchT := func(k string) func(*CaseReport) Timing { return func(c *CaseReport) Timing { return c.Torch[k] } }
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
	return []series{
		{"dualgrad forward", false, goT("forward"), blue, draw.CircleGlyph{}},
		{"dualgrad adjoint", false, goT("adjoint"), green, draw.SquareGlyph{}},
		{"dualgrad looped", false, goT("looped"), orange, draw.TriangleGlyph{}},
		{"dualgrad SumGrad (∇Σs)", false, goT("sumgrad"), purple, draw.PyramidGlyph{}},
		{"PyTorch functorch", true, torchT("functorch"), vermilion, draw.RingGlyph{}},
		{"PyTorch looped", true, torchT("looped"), orange, draw.BoxGlyph{}},
		{"PyTorch best", true, torchT("best_torch"), black, draw.CrossGlyph{}},
		{"PyTorch sumgrad (∇Σs)", true, torchT("sumgrad"), purple, draw.PlusGlyph{}},
	}
}

// Points returns the (P_D, seconds) points of s over the report's cases,
// leaving out the cases it was not measured on.
func (r *Report) Points(s series) plotter.XYs {
	var xy plotter.XYs
	for i := range r.Cases {
		if t := s.get(&r.Cases[i]); t.OK() {
			xy = append(xy, plotter.XY{X: float64(r.Cases[i].PD), Y: t.Sec})
		}
	}
	return xy
}

// WritePlot draws time against P_D on log-log axes as SVG.
func WritePlot(w io.Writer, r *Report) error {
	p := plot.New()
	p.Title.Text = "Median time per call (float64): s with ∂s/∂θ_D, or ∇Σs"
	p.X.Label.Text = "P_D, the number of D's parameters (case)"
	p.Y.Label.Text = "median time per call"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(64) // past the y tick labels, into the empty top left
	p.Add(plotter.NewGrid())

	var xt plot.ConstantTicks
	for _, c := range r.Cases {
		xt = append(xt, plot.Tick{Value: float64(c.PD), Label: fmt.Sprintf("%d\n%s", c.PD, c.Name)})
	}
	p.X.Tick.Marker = xt

	ymin, ymax := math.Inf(1), math.Inf(-1)
	n := 0
	for _, s := range plotSeries() {
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
		if s.torch {
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			pts.Radius = vg.Points(3.5)
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
	if len(r.Cases) > 0 {
		p.X.Min, p.X.Max = float64(r.Cases[0].PD)/2, float64(r.Cases[len(r.Cases)-1].PD)*2
	}
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
