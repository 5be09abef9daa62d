package nn

import (
	"fmt"
	"strings"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/ops"
)

// Linear applies nn.Linear(in, out) to x of shape [..., in], giving
// [..., out]: x·Wᵀ + b with the parameters
//
//	name.weight  [out, in]
//	name.bias    [out]
//
// both U(±1/√in). Options: Bias.
func (b *Builder) Linear(name string, x graph.Node, out int, opts ...Option) graph.Node {
	const kind = "Linear"
	return b.do(kind, name, []graph.Node{x}, func() graph.Node {
		o, err := parse(opts, optBias)
		if err != nil {
			return b.fail(kind, name, err)
		}
		if name == "" {
			return b.failf(kind, name, "needs a name")
		}
		s := x.Shape()
		if len(s) == 0 {
			return b.failf(kind, name, "input is a scalar, want shape [..., in]")
		}
		if out < 1 {
			return b.failf(kind, name, "out_features %d, want at least 1", out)
		}
		in := s[len(s)-1]
		bound := kaimingBound(in)
		in3 := []graph.Node{x, b.param(name, "weight", graph.Shape{out, in}, b.uniform(out*in, bound))}
		if o.boolOr(optBias, true) {
			in3 = append(in3, b.param(name, "bias", graph.Shape{out}, b.uniform(out, bound)))
		}
		return b.g.Apply(ops.LinearOp(), b.name(name), in3...)
	})
}

// Conv1d applies nn.Conv1d(C, out, kernel) to x of shape [N, C, L]. See
// Conv2d for the parameters and options.
func (b *Builder) Conv1d(name string, x graph.Node, out, kernel int, opts ...Option) graph.Node {
	return b.conv("Conv1d", name, 1, false, x, out, kernel, opts)
}

// Conv2d applies nn.Conv2d(C, out, kernel) to x of shape [N, C, H, W], with
// the parameters
//
//	name.weight  [out, C/groups, kernel, kernel]
//	name.bias    [out]
//
// both U(±1/√fan_in), fan_in = C/groups·kernel². The output is
// [N, out, H′, W′] with H′ = ⌊(H + 2·padding − dilation·(kernel−1) − 1) /
// stride⌋ + 1. Options: Stride, Padding, Dilation, Groups, Bias, Kernel.
func (b *Builder) Conv2d(name string, x graph.Node, out, kernel int, opts ...Option) graph.Node {
	return b.conv("Conv2d", name, 2, false, x, out, kernel, opts)
}

// ConvTranspose1d applies nn.ConvTranspose1d(C, out, kernel) to x of shape
// [N, C, L]. See ConvTranspose2d for the parameters and options.
func (b *Builder) ConvTranspose1d(name string, x graph.Node, out, kernel int, opts ...Option) graph.Node {
	return b.conv("ConvTranspose1d", name, 1, true, x, out, kernel, opts)
}

// ConvTranspose2d applies nn.ConvTranspose2d(C, out, kernel) to x of shape
// [N, C, H, W], with the parameters
//
//	name.weight  [C, out/groups, kernel, kernel]
//	name.bias    [out]
//
// both U(±1/√fan_in) with PyTorch's fan_in = out/groups·kernel² (the
// weight's dimension 1). The output is [N, out, H′, W′] with H′ = (H−1)·stride
// − 2·padding + dilation·(kernel−1) + output_padding + 1. Options: Stride,
// Padding, OutputPadding (smaller than the stride or the dilation, as
// PyTorch requires), Dilation, Groups, Bias, Kernel.
func (b *Builder) ConvTranspose2d(name string, x graph.Node, out, kernel int, opts ...Option) graph.Node {
	return b.conv("ConvTranspose2d", name, 2, true, x, out, kernel, opts)
}

// spatialNames are the dimension names of an input with d spatial
// dimensions, for error messages.
func spatialNames(d int) string {
	switch d {
	case 1:
		return "[N, C, L]"
	case 2:
		return "[N, C, H, W]"
	}
	return fmt.Sprintf("[N, C, D1…D%d]", d)
}

// wantRank checks that x has shape [N, C, …] with d spatial dimensions.
func wantRank(s graph.Shape, d int) error {
	if len(s) != d+2 {
		return fmt.Errorf("input shape %v, want %s (with the batch dimension)", s, spatialNames(d))
	}
	return nil
}

func (b *Builder) conv(kind, name string, d int, transposed bool, x graph.Node, out, kernel int, opts []Option) graph.Node {
	return b.do(kind, name, []graph.Node{x}, func() graph.Node {
		allowed := []optKey{optStride, optPadding, optDilation, optGroups, optBias, optKernel}
		if transposed {
			allowed = append(allowed, optOutputPadding)
		}
		o, err := parse(opts, allowed...)
		if err != nil {
			return b.fail(kind, name, err)
		}
		if name == "" {
			return b.failf(kind, name, "needs a name")
		}
		s := x.Shape()
		if err := wantRank(s, d); err != nil {
			return b.fail(kind, name, err)
		}
		if !o.set[optKernel] && kernel < 1 {
			return b.failf(kind, name, "kernel_size %d, want at least 1", kernel)
		}
		k, err := o.spatial(optKernel, d, repeat(d, kernel), 1)
		if err != nil {
			return b.fail(kind, name, err)
		}
		stride, err := o.spatial(optStride, d, repeat(d, 1), 1)
		if err != nil {
			return b.fail(kind, name, err)
		}
		pad, err := o.spatial(optPadding, d, repeat(d, 0), 0)
		if err != nil {
			return b.fail(kind, name, err)
		}
		dil, err := o.spatial(optDilation, d, repeat(d, 1), 1)
		if err != nil {
			return b.fail(kind, name, err)
		}
		outPad, err := o.spatial(optOutputPadding, d, repeat(d, 0), 0)
		if err != nil {
			return b.fail(kind, name, err)
		}
		groups := 1
		if o.set[optGroups] {
			groups = o.opt[optGroups].ints[0]
		}
		in := s[1]
		switch {
		case out < 1:
			return b.failf(kind, name, "out_channels %d, want at least 1", out)
		case groups < 1:
			return b.failf(kind, name, "groups %d, want at least 1", groups)
		case in%groups != 0 || out%groups != 0:
			return b.failf(kind, name, "groups %d must divide in_channels %d and out_channels %d", groups, in, out)
		}
		for i := range outPad {
			if outPad[i] >= stride[i] && outPad[i] >= dil[i] {
				return b.failf(kind, name, "output_padding %v must be smaller than the stride %v or the dilation %v", outPad, stride, dil)
			}
		}
		w := graph.Shape{out, in / groups}
		if transposed {
			w = graph.Shape{in, out / groups}
		}
		w = append(w, k...)
		bound := kaimingBound(w[1:].Size())
		in3 := []graph.Node{x, b.param(name, "weight", w, b.uniform(w.Size(), bound))}
		if o.boolOr(optBias, true) {
			in3 = append(in3, b.param(name, "bias", graph.Shape{out}, b.uniform(out, bound)))
		}
		var op graph.Op
		if transposed {
			op = ops.ConvTranspose(ops.ConvTransposeAttrs{Strides: stride, Pads: pads(pad), Dilations: dil, OutputPadding: outPad, Group: groups})
		} else {
			op = ops.Conv(ops.ConvAttrs{Strides: stride, Pads: pads(pad), Dilations: dil, Group: groups})
		}
		return b.g.Apply(op, b.name(name), in3...)
	})
}

// BatchNorm1d applies nn.BatchNorm1d(C) in evaluation mode to x of shape
// [N, C] or [N, C, L]. See BatchNorm2d for the parameters, buffers and
// options.
func (b *Builder) BatchNorm1d(name string, x graph.Node, opts ...Option) graph.Node {
	return b.batchNorm("BatchNorm1d", name, x, opts, 0, 1)
}

// BatchNorm2d applies nn.BatchNorm2d(C) in evaluation mode to x of shape
// [N, C, H, W]: per channel c, (x − running_mean[c]) /
// √(running_var[c] + eps) · weight[c] + bias[c], with the parameters
//
//	name.weight  [C], initially 1
//	name.bias    [C], initially 0
//
// and the constants (PyTorch's buffers, see Buffer)
//
//	name.running_mean  [C], initially 0
//	name.running_var   [C], initially 1
//
// The engines differentiate by the parameters only, as PyTorch's
// parameters() holds only them. Options: Eps (default 1e−5), Affine
// (false: no parameters, the weight and bias held constant at 1 and 0),
// RunningStats, RandomRunningStats.
func (b *Builder) BatchNorm2d(name string, x graph.Node, opts ...Option) graph.Node {
	return b.batchNorm("BatchNorm2d", name, x, opts, 2)
}

func (b *Builder) batchNorm(kind, name string, x graph.Node, opts []Option, spatial ...int) graph.Node {
	return b.do(kind, name, []graph.Node{x}, func() graph.Node {
		o, err := parse(opts, optEps, optAffine, optRunningStats, optRandomStats)
		if err != nil {
			return b.fail(kind, name, err)
		}
		if name == "" {
			return b.failf(kind, name, "needs a name")
		}
		s := x.Shape()
		ok := false
		var want []string
		for _, d := range spatial {
			ok = ok || len(s) == d+2
			want = append(want, spatialNames(d))
		}
		if !ok {
			if spatial[0] == 0 {
				want[0] = "[N, C]"
			}
			return b.failf(kind, name, "input shape %v, want %s (with the batch dimension)", s, strings.Join(want, " or "))
		}
		c := s[1]
		mean, vari := make([]float64, c), fill(c, 1)
		switch {
		case o.set[optRunningStats] && o.set[optRandomStats]:
			return b.failf(kind, name, "takes RunningStats or RandomRunningStats, not both")
		case o.set[optRunningStats]:
			op := o.opt[optRunningStats]
			if len(op.mean) != c || len(op.vari) != c {
				return b.failf(kind, name, "RunningStats has %d means and %d variances, want %d of each (the channels)", len(op.mean), len(op.vari), c)
			}
			for i, v := range op.vari {
				if v < 0 {
					return b.failf(kind, name, "running_var[%d] = %v, want ≥ 0", i, v)
				}
			}
			copy(mean, op.mean)
			copy(vari, op.vari)
		}
		eps := o.floatOr(optEps, 1e-5)
		if !(eps >= 0) {
			return b.failf(kind, name, "eps %v, want ≥ 0", eps)
		}
		var w, bias graph.Node
		if o.boolOr(optAffine, true) {
			w = b.param(name, "weight", graph.Shape{c}, fill(c, 1))
			bias = b.param(name, "bias", graph.Shape{c}, nil)
		} else {
			w = b.g.Const(b.name(name)+".ones", graph.Shape{c}, fill(c, 1))
			bias = b.g.Const(b.name(name)+".zeros", graph.Shape{c}, nil)
		}
		if o.set[optRandomStats] {
			for i := range mean {
				mean[i] = b.rng.Float64() - 0.5
				vari[i] = 0.5 + b.rng.Float64()
			}
		}
		m := b.buffer(name, "running_mean", graph.Shape{c}, mean)
		v := b.buffer(name, "running_var", graph.Shape{c}, vari)
		return b.g.Apply(ops.BatchNorm(eps), b.name(name), x, w, bias, m, v)
	})
}

// LayerNorm applies nn.LayerNorm(normalizedShape) to x, whose trailing
// dimensions must be normalizedShape: each slice over them is normalized by
// its mean and biased variance (plus eps), then scaled and shifted by the
// parameters
//
//	name.weight  normalizedShape, initially 1
//	name.bias    normalizedShape, initially 0
//
// Options: Eps (default 1e−5), Affine (elementwise_affine; false: constant
// ones and zeros instead), Bias (false: no bias).
func (b *Builder) LayerNorm(name string, x graph.Node, normalizedShape []int, opts ...Option) graph.Node {
	const kind = "LayerNorm"
	return b.do(kind, name, []graph.Node{x}, func() graph.Node {
		o, err := parse(opts, optEps, optAffine, optBias)
		if err != nil {
			return b.fail(kind, name, err)
		}
		if name == "" {
			return b.failf(kind, name, "needs a name")
		}
		s, ns := x.Shape(), graph.Shape(normalizedShape)
		if len(ns) == 0 || len(ns) > len(s) || !s[len(s)-len(ns):].Equal(ns) {
			return b.failf(kind, name, "normalized_shape %v is not the trailing dimensions of the input shape %v", ns, s)
		}
		eps := o.floatOr(optEps, 1e-5)
		if !(eps >= 0) {
			return b.failf(kind, name, "eps %v, want ≥ 0", eps)
		}
		n := ns.Size()
		var in3 []graph.Node
		if o.boolOr(optAffine, true) {
			in3 = []graph.Node{x, b.param(name, "weight", ns, fill(n, 1))}
			if o.boolOr(optBias, true) {
				in3 = append(in3, b.param(name, "bias", ns, nil))
			}
		} else {
			in3 = []graph.Node{x, b.g.Const(b.name(name)+".ones", ns, fill(n, 1))}
		}
		return b.g.Apply(ops.LayerNorm(len(s)-len(ns), eps), b.name(name), in3...)
	})
}
