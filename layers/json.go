package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// The JSON format is described in the package documentation. Decoding goes
// through json.RawMessage and parses each number itself, so that every
// failure, including a number that overflows float64, names its layer and
// field, and so that field names match exactly (encoding/json would accept
// "Weight" for "weight").

// ReadJSON reads one network in the JSON format from r, which must hold
// nothing else, and validates it as Validate does. Every failure is an error
// naming the layer and the field, a *LayerError where it concerns a single
// layer; malformed JSON is reported with its line, column and path, such as
// layers[1].weight[0][2].
func ReadJSON(r io.Reader) (*Network, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("layers: reading network: %w", err)
	}
	n, err := decodeNetwork(data)
	if err != nil {
		return nil, err
	}
	return n, nil
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
			b = appendFloat(b, x)
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

// appendFloat appends the shortest decimal form of the finite x that parses
// back to the same float64, formatted as encoding/json does.
func appendFloat(b []byte, x float64) []byte {
	format := byte('f')
	if a := math.Abs(x); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, x, format, -1, 64)
	if format == 'e' {
		// Turn e-09 into e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// decodeNetwork parses and validates a network from its JSON form.
func decodeNetwork(data []byte) (*Network, error) {
	if !json.Valid(data) {
		return nil, syntaxError(data)
	}
	top, err := object(data)
	if err != nil {
		return nil, fmt.Errorf("layers: network: %s", err)
	}
	if k, ok := unknownField(top, "layers"); ok {
		return nil, fmt.Errorf(`layers: network: unknown field %q (want "layers")`, k)
	}
	raw, ok := top["layers"]
	if !ok || isNull(raw) {
		return nil, errors.New(`layers: network: missing field "layers"`)
	}
	list, err := array(raw, "a list of layers")
	if err != nil {
		return nil, fmt.Errorf(`layers: network: field "layers": %s`, err)
	}
	if len(list) == 0 {
		return nil, errEmpty
	}
	n := &Network{Layers: make([]Layer, len(list))}
	for l, raw := range list {
		lay, err := decodeLayer(l, raw)
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
func decodeLayer(l int, raw json.RawMessage) (Layer, error) {
	var lay Layer
	fields, err := object(raw)
	if err != nil {
		return lay, layerErrorf(l, "", "%s", err)
	}
	if k, ok := unknownField(fields, "weight", "bias", "activation"); ok {
		return lay, layerErrorf(l, k, `unknown field (want "weight", "bias" or "activation")`)
	}

	raw, ok := fields["weight"]
	if !ok || isNull(raw) {
		return lay, layerErrorf(l, "weight", "missing")
	}
	rows, err := array(raw, "a list of rows")
	if err != nil {
		return lay, layerErrorf(l, "weight", "%s", err)
	}
	if len(rows) == 0 {
		return lay, layerErrorf(l, "weight", "has no rows")
	}
	var w []float64
	cols := 0
	for i, raw := range rows {
		row, err := array(raw, "a list of numbers")
		if err != nil {
			return lay, layerErrorf(l, "weight", "row %d: %s", i, err)
		}
		if i == 0 {
			if len(row) == 0 {
				return lay, layerErrorf(l, "weight", "row 0 is empty")
			}
			cols = len(row)
			w = make([]float64, 0, len(rows)*cols)
		}
		if len(row) != cols {
			return lay, layerErrorf(l, "weight", "ragged rows: row %d has length %d, row 0 has length %d", i, len(row), cols)
		}
		for j, raw := range row {
			v, err := number(raw)
			if err != nil {
				return lay, layerErrorf(l, "weight", "row %d, column %d: %s", i, j, err)
			}
			w = append(w, v)
		}
	}
	lay.W = mat.NewDense(len(rows), cols, w)

	raw, ok = fields["bias"]
	if !ok || isNull(raw) {
		return lay, layerErrorf(l, "bias", "missing")
	}
	elems, err := array(raw, "a list of numbers")
	if err != nil {
		return lay, layerErrorf(l, "bias", "%s", err)
	}
	lay.B = make([]float64, len(elems))
	for i, raw := range elems {
		if lay.B[i], err = number(raw); err != nil {
			return lay, layerErrorf(l, "bias", "element %d: %s", i, err)
		}
	}

	if raw, ok = fields["activation"]; ok && !isNull(raw) {
		if raw[0] != '"' {
			return lay, layerErrorf(l, "activation", "want a string, got %s", kind(raw))
		}
		var name string
		if err := json.Unmarshal(raw, &name); err != nil {
			return lay, layerErrorf(l, "activation", "%v", err)
		}
		a, ok := ParseActivation(name)
		if !ok {
			return lay, layerErrorf(l, "activation", "unknown activation %q (want %s)", name, activationNames)
		}
		lay.Act = a
	}
	return lay, nil
}

// unknownField returns the first key of obj, in sorted order, that is not
// among known.
func unknownField(obj map[string]json.RawMessage, known ...string) (string, bool) {
	var bad []string
	for k := range obj {
		if !slices.Contains(known, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return "", false
	}
	return slices.Min(bad), true
}

// The functions below take syntactically valid JSON values.

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// object decodes a JSON object. A repeated key, which encoding/json would
// resolve silently in favour of the last, is an error naming it.
func object(raw json.RawMessage) (map[string]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if raw[0] != '{' {
		return nil, fmt.Errorf("want an object, got %s", kind(raw))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	m := make(map[string]json.RawMessage)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("field %q appears twice", k)
		}
		m[k] = v
	}
	return m, nil
}

// array decodes a JSON array; what describes the expected list.
func array(raw json.RawMessage, what string) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if raw[0] != '[' {
		return nil, fmt.Errorf("want %s, got %s", what, kind(raw))
	}
	var a []json.RawMessage
	err := json.Unmarshal(raw, &a)
	return a, err
}

// number decodes a JSON number into a finite float64. Overflow is an error;
// underflow rounds to zero or a subnormal, as strconv.ParseFloat does.
func number(raw json.RawMessage) (float64, error) {
	raw = bytes.TrimSpace(raw)
	if c := raw[0]; c != '-' && (c < '0' || c > '9') {
		return 0, fmt.Errorf("want a number, got %s", kind(raw))
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || !finite(v) {
		return 0, fmt.Errorf("%s is outside the float64 range; numbers must be finite", raw)
	}
	return v, nil
}

// kind names the type of a JSON value for error messages.
func kind(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// syntaxError describes why data is not valid JSON: the position, the path
// to it, and a hint when the culprit is a NaN or Infinity literal.
func syntaxError(data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("layers: malformed JSON: %v", err)
	}
	// Offset counts the bytes read, the offending one included; at the end
	// of the input there is no offending byte.
	at := min(max(int(se.Offset)-1, 0), len(data))
	if se.Offset >= int64(len(data)) && strings.Contains(se.Error(), "unexpected end") {
		at = len(data)
	}
	line := 1 + bytes.Count(data[:at], []byte{'\n'})
	col := 1 + at - (bytes.LastIndexByte(data[:at], '\n') + 1)
	where := fmt.Sprintf("line %d, column %d", line, col)
	if p := jsonPath(data[:at]); p != "" {
		where += " (" + p + ")"
	}
	msg := se.Error()
	if nonFiniteLiteral(data, at) {
		msg += "; JSON has no NaN or Infinity, and numbers must be finite"
	}
	return fmt.Errorf("layers: malformed JSON at %s: %s", where, msg)
}

// nonFiniteLiteral reports whether the word around data[at] spells NaN or
// Infinity in one of the usual ways.
func nonFiniteLiteral(data []byte, at int) bool {
	word := func(c byte) bool {
		return c == '+' || c == '-' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	}
	i, j := at, at
	for i > 0 && word(data[i-1]) {
		i--
	}
	for j < len(data) && word(data[j]) {
		j++
	}
	w := strings.ToLower(strings.TrimLeft(string(data[i:j]), "+-"))
	return w == "nan" || w == "inf" || w == "infinity"
}

// jsonPath returns the path, such as layers[1].weight[0][2], to the value
// being read at the end of prefix, a prefix of a JSON document that is valid
// up to its end. Between two values, the path ends at their container.
func jsonPath(prefix []byte) string {
	type frame struct {
		obj     bool
		wantKey bool   // in an object, before a key
		key     string // in an object, the current key
		idx     int    // in an array, the number of complete elements
	}
	var stack []frame
	after := false   // the last token ended a value inside an array
	done := func() { // a value ended
		after = false
		if len(stack) == 0 {
			return
		}
		if top := &stack[len(stack)-1]; top.obj {
			top.wantKey = true
		} else {
			top.idx++
			after = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(prefix))
	end := 0 // offset just after the last complete token
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		end = int(dec.InputOffset())
		if len(stack) > 0 && stack[len(stack)-1].obj && stack[len(stack)-1].wantKey {
			if k, ok := tok.(string); ok {
				stack[len(stack)-1].key = k
				stack[len(stack)-1].wantKey = false
				after = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{obj: true, wantKey: true})
			after = false
		case json.Delim('['):
			stack = append(stack, frame{})
			after = false
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			done()
		default:
			done()
		}
	}
	// Just after an array element, with no comma yet, no element is open.
	between := after && len(bytes.TrimSpace(prefix[end:])) == 0
	var b strings.Builder
	for i, f := range stack {
		switch {
		case !f.obj:
			if i < len(stack)-1 || !between {
				fmt.Fprintf(&b, "[%d]", f.idx)
			}
		case !f.wantKey:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
	}
	return b.String()
}
