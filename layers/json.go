package layers

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/internal/jsonstrict"
	"gonum.org/v1/gonum/mat"
)

// The JSON format is described in the package documentation. Decoding goes
// through internal/jsonstrict, dualgrad's one strict JSON reader, so that
// every failure, including a number that overflows float64, a null, a
// repeated key or a key in the wrong case, names its layer and field with
// its line and column.

// ReadJSON reads one network in the JSON format from r, which must hold
// nothing else, and validates it as Validate does. Every failure is an error
// naming the layer and the field, a *LayerError where it concerns a single
// layer; malformed JSON is reported with its line, column and path, such as
// layers[1].weight[0][2].
func ReadJSON(r io.Reader) (*Network, error) {
	v, err := jsonstrict.Parse(r, maxJSON)
	if err != nil {
		return nil, fmt.Errorf("layers: %w", err)
	}
	return FromJSON(v)
}

// WriteJSON writes n in the JSON format, indented, one weight row per line.
// It fails without writing if n is not valid.
func (n *Network) WriteJSON(w io.Writer) error {
	b, err := n.appendJSON(nil, true)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// MarshalJSON implements json.Marshaler, so that a Network can be a field of
// a larger JSON document. It fails if n is not valid.
func (n Network) MarshalJSON() ([]byte, error) {
	return n.appendJSON(nil, false)
}

// UnmarshalJSON implements json.Unmarshaler with the checks of ReadJSON. On
// error n is left unchanged. As is conventional, the JSON null leaves n
// unchanged too.
func (n *Network) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	v, err := decodeNetwork(data)
	if err != nil {
		return err
	}
	*n = *v
	return nil
}

// appendJSON appends n's JSON form to b.
func (n *Network) appendJSON(b []byte, indent bool) ([]byte, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	nl := func(depth int) {
		if indent {
			b = append(b, '\n')
			for ; depth > 0; depth-- {
				b = append(b, "  "...)
			}
		}
	}
	sep, colon := ",", ":"
	if indent {
		sep, colon = ", ", ": "
	}
	key := func(k string) {
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, '"')
		b = append(b, colon...)
	}
	list := func(v []float64) {
		b = append(b, '[')
		for i, x := range v {
			if i > 0 {
				b = append(b, sep...)
			}
			b = jsonstrict.AppendFloat(b, x)
		}
		b = append(b, ']')
	}
	b = append(b, '{')
	nl(1)
	key("layers")
	b = append(b, '[')
	for l := range n.Layers {
		lay := &n.Layers[l]
		if l > 0 {
			b = append(b, ',')
		}
		nl(2)
		b = append(b, '{')
		nl(3)
		key("weight")
		b = append(b, '[')
		for i := range lay.Out() {
			if i > 0 {
				b = append(b, ',')
			}
			nl(4)
			list(lay.W.RawRowView(i))
		}
		nl(3)
		b = append(b, "],"...)
		nl(3)
		key("bias")
		list(lay.B)
		b = append(b, ',')
		nl(3)
		key("activation")
		b = strconv.AppendQuote(b, lay.Act.String())
		nl(2)
		b = append(b, '}')
	}
	nl(1)
	b = append(b, ']')
	nl(0)
	b = append(b, '}')
	if indent {
		b = append(b, '\n')
	}
	return b, nil
}

// maxJSON is the largest network document ReadJSON reads.
const maxJSON = 1 << 30

// decodeNetwork parses and validates a network from its JSON form.
func decodeNetwork(data []byte) (*Network, error) {
	v, err := jsonstrict.ParseBytes(data)
	if err != nil {
		return nil, fmt.Errorf("layers: %w", err)
	}
	return FromJSON(v)
}

// FromJSON decodes and validates a network from a parsed JSON value, for
// readers of documents that embed networks (the command's problem files).
// Every failure names the layer and field, as a *LayerError where it
// concerns one layer; messages about the JSON itself also give the line,
// the column and the path, such as d.layers[1].weight[0][2].
func FromJSON(v *jsonstrict.Value) (*Network, error) {
	if err := v.CheckKeys("layers"); err != nil {
		return nil, fmt.Errorf("layers: network: %w", err)
	}
	lv := v.Get("layers")
	if lv == nil || lv.IsNull() {
		return nil, fmt.Errorf(`layers: network: %w`, v.Errorf(`missing field "layers"`))
	}
	list, err := lv.Array()
	if err != nil {
		return nil, fmt.Errorf("layers: network: %w", err)
	}
	if len(list) == 0 {
		return nil, errEmpty
	}
	n := &Network{Layers: make([]Layer, len(list))}
	for l, lv := range list {
		lay, err := decodeLayer(l, lv)
		if err != nil {
			return nil, err
		}
		prev := -1
		if l > 0 {
			prev = n.Layers[l-1].Out()
		}
		if err := checkLayer(l, &lay, prev); err != nil {
			return nil, err
		}
		n.Layers[l] = lay
	}
	return n, nil
}

// decodeLayer parses layer l. The caller checks its consistency.
func decodeLayer(l int, v *jsonstrict.Value) (Layer, error) {
	var lay Layer
	if err := v.CheckKeys("weight", "bias", "activation"); err != nil {
		return lay, layerErrorf(l, "", "%v", err)
	}
	wv := v.Get("weight")
	if wv == nil || wv.IsNull() {
		return lay, layerErrorf(l, "weight", "missing")
	}
	rows, cols, w, err := wv.Matrix()
	if err != nil {
		return lay, layerErrorf(l, "weight", "%v", err)
	}
	if rows == 0 || cols == 0 {
		return lay, layerErrorf(l, "weight", "is empty")
	}
	lay.W = mat.NewDense(rows, cols, w)
	bv := v.Get("bias")
	if bv == nil || bv.IsNull() {
		return lay, layerErrorf(l, "bias", "missing")
	}
	if lay.B, err = bv.Floats(); err != nil {
		return lay, layerErrorf(l, "bias", "%v", err)
	}
	if av := v.Get("activation"); av != nil && !av.IsNull() {
		name, err := av.Str()
		if err != nil {
			return lay, layerErrorf(l, "activation", "%v", err)
		}
		a, ok := ParseActivation(name)
		if !ok {
			return lay, layerErrorf(l, "activation", "unknown activation %s (want %s)", graph.Quote(name), activationNames)
		}
		lay.Act = a
	}
	return lay, nil
}
