package nn

import (
	"fmt"
	"strings"
)

// An Option is one of a layer's keyword arguments, such as PyTorch's
// stride=2 (Stride(2)). Each layer's doc lists the options it takes; any
// other is an error.
type Option struct {
	key   optKey
	ints  []int
	b     bool
	f     float64
	mean  []float64
	vari  []float64
	label string
}

type optKey int

const (
	optBias optKey = iota
	optStride
	optPadding
	optDilation
	optGroups
	optOutputPadding
	optKernel
	optEps
	optAffine
	optRunningStats
	optRandomStats
	optCeilMode
	optCountIncludePad
	numOpts
)

// Bias sets bias=on: whether the layer has a bias (Linear, the
// convolutions, LayerNorm). The default is true.
func Bias(on bool) Option { return Option{key: optBias, b: on, label: fmt.Sprintf("Bias(%v)", on)} }

// Stride sets stride: one value for every spatial dimension, or one per
// dimension as PyTorch's tuples. Convolutions default to 1, pooling to the
// kernel size.
func Stride(s ...int) Option { return intsOpt(optStride, "Stride", s) }

// Padding sets padding: the zero padding added at both ends of each
// spatial dimension (−∞ for max pooling), one value or one per dimension.
// The default is 0.
func Padding(p ...int) Option { return intsOpt(optPadding, "Padding", p) }

// Dilation sets dilation, the spacing of kernel elements: one value or one
// per spatial dimension. The default is 1.
func Dilation(d ...int) Option { return intsOpt(optDilation, "Dilation", d) }

// Groups sets groups, the number of blocked connections from input to
// output channels of a convolution. The default is 1.
func Groups(g int) Option { return intsOpt(optGroups, "Groups", []int{g}) }

// OutputPadding sets a transposed convolution's output_padding, added at
// the end of each spatial dimension: one value or one per dimension. The
// default is 0.
func OutputPadding(p ...int) Option { return intsOpt(optOutputPadding, "OutputPadding", p) }

// Kernel sets a kernel of one size per spatial dimension, overriding the
// layer's square kernel argument, as PyTorch's kernel_size=(kH, kW).
func Kernel(k ...int) Option { return intsOpt(optKernel, "Kernel", k) }

// Eps sets a normalization's eps, added to the variance. The default is
// 1e−5.
func Eps(eps float64) Option { return Option{key: optEps, f: eps, label: fmt.Sprintf("Eps(%v)", eps)} }

// Affine sets a normalization's affine (BatchNorm) or elementwise_affine
// (LayerNorm): whether it has a learnable weight and bias. The default is
// true; without, the graph holds constant ones and zeros instead.
func Affine(on bool) Option {
	return Option{key: optAffine, b: on, label: fmt.Sprintf("Affine(%v)", on)}
}

// RunningStats sets a batch norm's running_mean and running_var, one value
// per channel each (copied), as loading a state_dict does. The variances
// must not be negative.
func RunningStats(mean, variance []float64) Option {
	return Option{key: optRunningStats, mean: mean, vari: variance, label: "RunningStats"}
}

// RandomRunningStats draws a batch norm's running statistics from the
// builder's source instead of PyTorch's initial 0 and 1: means uniform in
// [−0.5, 0.5) and variances uniform in [0.5, 1.5), like those of a trained
// network, for tests. They are drawn after the layer's weight and bias.
func RandomRunningStats() Option { return Option{key: optRandomStats, label: "RandomRunningStats()"} }

// CeilMode sets a pooling's ceil_mode: round the output size up. The
// default is false.
func CeilMode(on bool) Option {
	return Option{key: optCeilMode, b: on, label: fmt.Sprintf("CeilMode(%v)", on)}
}

// CountIncludePad sets average pooling's count_include_pad: divide by the
// window size including the zero padding. The default is true, as in
// PyTorch (ONNX's default is false).
func CountIncludePad(on bool) Option {
	return Option{key: optCountIncludePad, b: on, label: fmt.Sprintf("CountIncludePad(%v)", on)}
}

func intsOpt(k optKey, name string, v []int) Option {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return Option{key: k, ints: append([]int(nil), v...), label: name + "(" + strings.Join(s, ", ") + ")"}
}

// options are a layer's resolved options.
type options struct {
	set [numOpts]bool
	opt [numOpts]Option
}

// parse checks that every option of opts is one of allowed and returns
// them, the last of each kind winning.
func parse(opts []Option, allowed ...optKey) (*options, error) {
	var ok [numOpts]bool
	for _, k := range allowed {
		ok[k] = true
	}
	o := &options{}
	for _, op := range opts {
		if op.key < 0 || op.key >= numOpts || op.label == "" {
			return nil, fmt.Errorf("invalid option (use the option functions of package nn)")
		}
		if !ok[op.key] {
			return nil, fmt.Errorf("does not take option %s", op.label)
		}
		o.set[op.key], o.opt[op.key] = true, op
	}
	return o, nil
}

// boolOr returns the option k's value, or def if it is not set.
func (o *options) boolOr(k optKey, def bool) bool {
	if o.set[k] {
		return o.opt[k].b
	}
	return def
}

// floatOr returns the option k's value, or def.
func (o *options) floatOr(k optKey, def float64) float64 {
	if o.set[k] {
		return o.opt[k].f
	}
	return def
}

// spatial returns the option k for d spatial dimensions: def in each if
// unset, one value repeated, or d values; each at least lo.
func (o *options) spatial(k optKey, d int, def []int, lo int) ([]int, error) {
	if !o.set[k] {
		return append([]int(nil), def...), nil
	}
	op := o.opt[k]
	v := op.ints
	switch len(v) {
	case 1:
		v = repeat(d, v[0])
	case d:
		v = append([]int(nil), v...)
	default:
		return nil, fmt.Errorf("%s: want 1 or %d values", op.label, d)
	}
	for _, x := range v {
		if x < lo {
			return nil, fmt.Errorf("%s: values must be at least %d", op.label, lo)
		}
	}
	return v, nil
}

// repeat returns d copies of v.
func repeat(d, v int) []int {
	s := make([]int, d)
	for i := range s {
		s[i] = v
	}
	return s
}

// pads returns PyTorch's symmetric padding p as ONNX's begin and end pads.
func pads(p []int) []int { return append(append([]int(nil), p...), p...) }
