package nn

import (
	"fmt"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/ops"
)

// apply adds op of kind kind to the inputs xs, unnamed.
func (b *Builder) apply(kind string, op func() graph.Op, xs ...graph.Node) graph.Node {
	return b.do(kind, "", xs, func() graph.Node { return b.g.Apply(op(), "", xs...) })
}

// Relu applies nn.ReLU, max(x, 0); its derivative at 0 is 0, as PyTorch's.
func (b *Builder) Relu(x graph.Node) graph.Node { return b.apply("ReLU", ops.Relu, x) }

// LeakyRelu applies nn.LeakyReLU(slope): x for x > 0, slope·x otherwise.
// PyTorch's default slope is 0.01.
func (b *Builder) LeakyRelu(x graph.Node, slope float64) graph.Node {
	return b.apply("LeakyReLU", func() graph.Op { return ops.LeakyRelu(slope) }, x)
}

// Elu applies nn.ELU(alpha): x for x > 0, alpha·(eˣ − 1) otherwise.
func (b *Builder) Elu(x graph.Node, alpha float64) graph.Node {
	return b.apply("ELU", func() graph.Op { return ops.Elu(alpha) }, x)
}

// Celu applies nn.CELU(alpha): max(0, x) + min(0, alpha·(e^(x/alpha) − 1)).
func (b *Builder) Celu(x graph.Node, alpha float64) graph.Node {
	return b.apply("CELU", func() graph.Op { return ops.Celu(alpha) }, x)
}

// Selu applies nn.SELU.
func (b *Builder) Selu(x graph.Node) graph.Node { return b.apply("SELU", ops.Selu, x) }

// Tanh applies nn.Tanh.
func (b *Builder) Tanh(x graph.Node) graph.Node { return b.apply("Tanh", ops.Tanh, x) }

// Sigmoid applies nn.Sigmoid, 1/(1 + e⁻ˣ).
func (b *Builder) Sigmoid(x graph.Node) graph.Node { return b.apply("Sigmoid", ops.Sigmoid, x) }

// Gelu applies nn.GELU(), x·Φ(x) with Φ the standard normal distribution
// function.
func (b *Builder) Gelu(x graph.Node) graph.Node { return b.apply("GELU", ops.Gelu, x) }

// GeluTanh applies nn.GELU(approximate="tanh").
func (b *Builder) GeluTanh(x graph.Node) graph.Node { return b.apply("GELU", ops.GeluTanh, x) }

// Silu applies nn.SiLU, x·σ(x).
func (b *Builder) Silu(x graph.Node) graph.Node { return b.apply("SiLU", ops.Silu, x) }

// Softplus applies nn.Softplus(), log(1 + eˣ), exactly at every x: PyTorch
// switches to x above its threshold 20, where the two differ by less than
// e⁻²⁰.
func (b *Builder) Softplus(x graph.Node) graph.Node { return b.apply("Softplus", ops.Softplus, x) }

// Softsign applies nn.Softsign, x/(1 + |x|).
func (b *Builder) Softsign(x graph.Node) graph.Node { return b.apply("Softsign", ops.Softsign, x) }

// Hardsigmoid applies nn.Hardsigmoid, max(0, min(1, x/6 + 1/2)).
func (b *Builder) Hardsigmoid(x graph.Node) graph.Node {
	return b.apply("Hardsigmoid", func() graph.Op { return ops.HardSigmoid(1.0/6, 0.5) }, x)
}

// Hardswish applies nn.Hardswish, x·max(0, min(1, x/6 + 1/2)).
func (b *Builder) Hardswish(x graph.Node) graph.Node { return b.apply("Hardswish", ops.HardSwish, x) }

// Softmax applies nn.Softmax(dim), exp(x)/Σexp(x) over the dimension dim
// (negative counts from the end).
func (b *Builder) Softmax(x graph.Node, dim int) graph.Node {
	return b.apply("Softmax", func() graph.Op { return ops.Softmax(dim) }, x)
}

// LogSoftmax applies nn.LogSoftmax(dim), x − log Σexp(x) over the dimension
// dim (negative counts from the end).
func (b *Builder) LogSoftmax(x graph.Node, dim int) graph.Node {
	return b.apply("LogSoftmax", func() graph.Op { return ops.LogSoftmax(dim) }, x)
}

// Add returns x + y with broadcasting, as a residual connection's
// out += identity.
func (b *Builder) Add(x, y graph.Node) graph.Node { return b.apply("Add", ops.Add, x, y) }

// Sub returns x − y with broadcasting.
func (b *Builder) Sub(x, y graph.Node) graph.Node { return b.apply("Sub", ops.Sub, x, y) }

// Mul returns x·y element-wise with broadcasting.
func (b *Builder) Mul(x, y graph.Node) graph.Node { return b.apply("Mul", ops.Mul, x, y) }

// Concat returns torch.cat(xs, dim): the inputs, of equal shapes except
// at dim, joined along dim (negative counts from the end).
func (b *Builder) Concat(dim int, xs ...graph.Node) graph.Node {
	return b.apply("cat", func() graph.Op { return ops.Concat(dim) }, xs...)
}

// Dropout applies nn.Dropout(p) in evaluation mode: the identity, so it
// returns x itself.
func (b *Builder) Dropout(x graph.Node, p float64) graph.Node {
	return b.do("Dropout", "", []graph.Node{x}, func() graph.Node {
		if !(p >= 0 && p <= 1) {
			return b.failf("Dropout", "", "p = %v, want a probability in [0, 1]", p)
		}
		return x
	})
}

// Flatten applies nn.Flatten(startDim), torch.flatten(x, startDim): the
// dimensions from startDim (negative counts from the end) to the last
// merged into one. nn.Flatten's default is startDim 1, which keeps the
// batch dimension.
func (b *Builder) Flatten(x graph.Node, startDim int) graph.Node {
	const kind = "Flatten"
	return b.do(kind, "", []graph.Node{x}, func() graph.Node {
		s := x.Shape()
		d := startDim
		if d < 0 {
			d += len(s)
		}
		if len(s) == 0 && (startDim == 0 || startDim == -1) {
			d = 0 // PyTorch flattens a scalar to [1]
		} else if d < 0 || d >= len(s) {
			return b.failf(kind, "", "start_dim %d out of range for input shape %v", startDim, s)
		}
		out := append(s[:d].Clone(), s[d:].Size())
		return b.g.Apply(ops.Reshape(out), "", x)
	})
}

// Reshape returns x.reshape(shape): the elements in row-major order with
// a new shape, of which one dimension may be −1, inferred from the others.
func (b *Builder) Reshape(x graph.Node, shape ...int) graph.Node {
	return b.reshape("reshape", x, shape)
}

// View returns x.view(shape), which for a graph is Reshape.
func (b *Builder) View(x graph.Node, shape ...int) graph.Node { return b.reshape("view", x, shape) }

func (b *Builder) reshape(kind string, x graph.Node, shape []int) graph.Node {
	return b.do(kind, "", []graph.Node{x}, func() graph.Node {
		s := x.Shape()
		out := graph.Shape(shape).Clone()
		infer, known := -1, 1
		for i, d := range out {
			switch {
			case d == -1 && infer < 0:
				infer = i
			case d == -1:
				return b.failf(kind, "", "shape %v has more than one −1", graph.Shape(shape))
			case d < 1:
				return b.failf(kind, "", "shape %v has dimension %d, want ≥ 1 or one −1", graph.Shape(shape), d)
			default:
				known *= d
			}
		}
		if infer >= 0 {
			if s.Size()%known != 0 {
				return b.failf(kind, "", "shape %v is invalid for input of size %d", graph.Shape(shape), s.Size())
			}
			out[infer] = s.Size() / known
		}
		if out.Size() != s.Size() {
			return b.failf(kind, "", "shape %v is invalid for input of size %d", graph.Shape(shape), s.Size())
		}
		return b.g.Apply(ops.Reshape(out), "", x)
	})
}

// MaxPool1d applies nn.MaxPool1d(kernel) to x of shape [N, C, L]. See
// MaxPool2d.
func (b *Builder) MaxPool1d(x graph.Node, kernel int, opts ...Option) graph.Node {
	return b.pool("MaxPool1d", 1, true, x, kernel, opts)
}

// MaxPool2d applies nn.MaxPool2d(kernel) to x of shape [N, C, H, W]: the
// maximum of each window, padding counting as −∞. A tie sends the
// derivative to the first maximal element in row-major order, as PyTorch's
// CPU kernel does. Options: Stride (default the kernel size), Padding,
// Dilation, CeilMode, Kernel.
func (b *Builder) MaxPool2d(x graph.Node, kernel int, opts ...Option) graph.Node {
	return b.pool("MaxPool2d", 2, true, x, kernel, opts)
}

// AvgPool1d applies nn.AvgPool1d(kernel) to x of shape [N, C, L]. See
// AvgPool2d.
func (b *Builder) AvgPool1d(x graph.Node, kernel int, opts ...Option) graph.Node {
	return b.pool("AvgPool1d", 1, false, x, kernel, opts)
}

// AvgPool2d applies nn.AvgPool2d(kernel) to x of shape [N, C, H, W]: the
// mean of each window. Options: Stride (default the kernel size), Padding,
// CeilMode, CountIncludePad (default true, as PyTorch's), Kernel.
func (b *Builder) AvgPool2d(x graph.Node, kernel int, opts ...Option) graph.Node {
	return b.pool("AvgPool2d", 2, false, x, kernel, opts)
}

func (b *Builder) pool(kind string, d int, max bool, x graph.Node, kernel int, opts []Option) graph.Node {
	return b.do(kind, "", []graph.Node{x}, func() graph.Node {
		allowed := []optKey{optStride, optPadding, optCeilMode, optKernel}
		if max {
			allowed = append(allowed, optDilation)
		} else {
			allowed = append(allowed, optCountIncludePad)
		}
		o, err := parse(opts, allowed...)
		if err != nil {
			return b.fail(kind, "", err)
		}
		if err := wantRank(x.Shape(), d); err != nil {
			return b.fail(kind, "", err)
		}
		if !o.set[optKernel] && kernel < 1 {
			return b.failf(kind, "", "kernel_size %d, want at least 1", kernel)
		}
		k, err := o.spatial(optKernel, d, repeat(d, kernel), 1)
		if err != nil {
			return b.fail(kind, "", err)
		}
		stride, err := o.spatial(optStride, d, k, 1)
		if err != nil {
			return b.fail(kind, "", err)
		}
		pad, err := o.spatial(optPadding, d, repeat(d, 0), 0)
		if err != nil {
			return b.fail(kind, "", err)
		}
		dil, err := o.spatial(optDilation, d, repeat(d, 1), 1)
		if err != nil {
			return b.fail(kind, "", err)
		}
		for i := range pad {
			if 2*pad[i] > k[i] {
				return b.failf(kind, "", "padding %v must be at most half the kernel size %v", pad, k)
			}
		}
		a := ops.PoolAttrs{Kernel: k, Strides: stride, Pads: pads(pad), CeilMode: o.boolOr(optCeilMode, false)}
		if max {
			a.Dilations = dil
			return b.g.Apply(ops.MaxPool(a), "", x)
		}
		a.CountIncludePad = o.boolOr(optCountIncludePad, true)
		return b.g.Apply(ops.AveragePool(a), "", x)
	})
}

// AdaptiveAvgPool2d applies nn.AdaptiveAvgPool2d(size) to x of shape
// [N, C, H, W], giving [N, C, size, size]. Size 1 is the global average
// pool of ResNet heads; other sizes must divide H and W, so that the
// windows are uniform (average pooling with kernel and stride H/size).
func (b *Builder) AdaptiveAvgPool2d(x graph.Node, size int) graph.Node {
	return b.adaptive("AdaptiveAvgPool2d", false, x, size)
}

// AdaptiveMaxPool2d applies nn.AdaptiveMaxPool2d(size), as
// AdaptiveAvgPool2d but with the maximum of each window.
func (b *Builder) AdaptiveMaxPool2d(x graph.Node, size int) graph.Node {
	return b.adaptive("AdaptiveMaxPool2d", true, x, size)
}

func (b *Builder) adaptive(kind string, max bool, x graph.Node, size int) graph.Node {
	return b.do(kind, "", []graph.Node{x}, func() graph.Node {
		s := x.Shape()
		if err := wantRank(s, 2); err != nil {
			return b.fail(kind, "", err)
		}
		switch {
		case size < 1:
			return b.failf(kind, "", "output_size %d, want at least 1", size)
		case size == 1 && max:
			return b.g.Apply(ops.GlobalMaxPool(), "", x)
		case size == 1:
			return b.g.Apply(ops.GlobalAveragePool(), "", x)
		case s[2]%size != 0 || s[3]%size != 0:
			return b.fail(kind, "", fmt.Errorf("output_size %d must divide the input's H and W %v, or be 1", size, s[2:]))
		}
		k := []int{s[2] / size, s[3] / size}
		a := ops.PoolAttrs{Kernel: k, Strides: k}
		if max {
			return b.g.Apply(ops.MaxPool(a), "", x)
		}
		return b.g.Apply(ops.AveragePool(a), "", x)
	})
}
