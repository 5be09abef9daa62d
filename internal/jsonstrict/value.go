package jsonstrict

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Kind is the kind of a JSON value.
type Kind uint8

// The kinds of JSON values.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// String returns the kind's name as messages use it: "null", "a boolean",
// "a number", "a string", "an array", "an object".
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "a boolean"
	case Number:
		return "a number"
	case String:
		return "a string"
	case Array:
		return "an array"
	case Object:
		return "an object"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is a JSON value in a tree made by Parse, with its position in the
// input and its place in the tree. A Value is read-only; it is safe for
// concurrent use. Use it through the pointers the package returns: a copy
// no longer knows its path.
type Value struct {
	parent *Value
	kids   []Value // Array: the elements; Object: key, value, key, value, …
	text   string  // String: the contents; Number: the literal as written
	num    float64 // Number: the value; Bool: 1 for true
	line   int32
	col    int32
	kind   Kind
}

// Kind returns v's kind.
func (v *Value) Kind() Kind { return v.kind }

// IsNull reports whether v is null.
func (v *Value) IsNull() bool { return v.kind == Null }

// Pos returns the line and column of v's first character, counting from 1.
func (v *Value) Pos() (line, col int) { return int(v.line), int(v.col) }

// Path returns the path from the top-level value to v, such as
// d.layers[2].weight[0][3], or "" for the top-level value. Keys that are
// not identifiers are quoted, as in grads["fc1.weight"].
func (v *Value) Path() string {
	var segs []segment
	for c := v; c.parent != nil; c = c.parent {
		par := c.parent
		i := indexOf(par.kids, c)
		switch {
		case i < 0: // a copy of a Value, no longer in its parent
			segs = append(segs, segment{index: -2})
		case par.kind == Object:
			segs = append(segs, segment{key: par.kids[i-1].text, index: -1})
		default:
			segs = append(segs, segment{index: i})
		}
	}
	for i, j := 0, len(segs)-1; i < j; i, j = i+1, j-1 {
		segs[i], segs[j] = segs[j], segs[i]
	}
	return formatPath(segs)
}

// indexOf returns the index of c in kids, or -1 if c is not there.
func indexOf(kids []Value, c *Value) int {
	for i := range kids {
		if &kids[i] == c {
			return i
		}
	}
	return -1
}

// Errorf returns an *Error at v's position and path, with the message
// formatted as by fmt.Sprintf, for callers' own checks: for example
// v.Errorf("has %d entries, want %d", n, m).
func (v *Value) Errorf(format string, args ...any) error {
	return &Error{Line: int(v.line), Col: int(v.col), Path: v.Path(), Msg: fmt.Sprintf(format, args...)}
}

// want returns the error for v not being what the caller wants.
func (v *Value) want(what string) error {
	return v.Errorf("%s, want %s", v.describe(), what)
}

// describe names v for "got" in messages: null, true, 2.5, the string
// "abc", an array, an object.
func (v *Value) describe() string {
	switch v.kind {
	case Null:
		return "null"
	case Bool:
		return strconv.FormatBool(v.num != 0)
	case Number:
		return clip(v.text)
	case String:
		return "the string " + quote(v.text)
	}
	return v.kind.String()
}

// Len returns the number of elements of an array or members of an object,
// and 0 for other kinds.
func (v *Value) Len() int {
	if v.kind == Object {
		return len(v.kids) / 2
	}
	return len(v.kids)
}

// Elem returns element i of an array. It panics if v is not an array or i
// is out of range.
func (v *Value) Elem(i int) *Value {
	if v.kind != Array {
		panic("jsonstrict: Elem of " + v.kind.String())
	}
	return &v.kids[i]
}

// Member returns the key and value of member i of an object, in document
// order. It panics if v is not an object or i is out of range.
func (v *Value) Member(i int) (key string, val *Value) {
	if v.kind != Object {
		panic("jsonstrict: Member of " + v.kind.String())
	}
	return v.kids[2*i].text, &v.kids[2*i+1]
}

// Get returns the value of the member of object v whose key is exactly
// key, or nil if there is none or v is not an object.
func (v *Value) Get(key string) *Value {
	if v.kind != Object {
		return nil
	}
	for i := 0; i < len(v.kids); i += 2 {
		if v.kids[i].text == key {
			return &v.kids[i+1]
		}
	}
	return nil
}

// Need is Get for a member that must be present: it fails if v is not an
// object or has no member with exactly this key. A null member is present;
// its reader reports it.
func (v *Value) Need(key string) (*Value, error) {
	if v.kind != Object {
		return nil, v.want("an object")
	}
	if m := v.Get(key); m != nil {
		return m, nil
	}
	return nil, v.Errorf("missing field %s", quote(key))
}

// CheckKeys checks that v is an object whose every key is among known.
// Keys are matched exactly: a key that differs from a known one only in
// case is an error that suggests the known one. The error is placed at the
// first offending key.
func (v *Value) CheckKeys(known ...string) error {
	if v.kind != Object {
		return v.want("an object")
	}
outer:
	for i := 0; i < len(v.kids); i += 2 {
		k := &v.kids[i]
		for _, w := range known {
			if k.text == w {
				continue outer
			}
		}
		e := &Error{Line: int(k.line), Col: int(k.col), Path: v.Path()}
		for _, w := range known {
			if strings.EqualFold(k.text, w) {
				e.Msg = fmt.Sprintf("unknown field %s; did you mean %s?", quote(k.text), quote(w))
				return e
			}
		}
		e.Msg = fmt.Sprintf("unknown field %s; want %s", quote(k.text), oneOf(known))
		return e
	}
	return nil
}

// oneOf lists names as `"a", "b" or "c"`.
func oneOf(names []string) string {
	switch len(names) {
	case 0:
		return "no fields"
	case 1:
		return quote(names[0])
	}
	var b strings.Builder
	for i, n := range names {
		switch {
		case i == len(names)-1:
			b.WriteString(" or ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(quote(n))
	}
	return b.String()
}

// Float returns the number v holds. Parse has checked that it is finite.
// Anything else, null included, is an error: "null, want a number".
func (v *Value) Float() (float64, error) {
	if v.kind != Number {
		return 0, v.want("a number")
	}
	return v.num, nil
}

// maxExact is 2⁵³, beyond which not every integer is a float64.
const maxExact = 1 << 53

// Int returns the integer v holds. It must be written as an integer that
// fits an int, or in another form (2.0, 1e3) as an integer of magnitude at
// most 2⁵³; a fraction is an error.
func (v *Value) Int() (int, error) {
	if v.kind != Number {
		return 0, v.want("an integer")
	}
	if !strings.ContainsAny(v.text, ".eE") {
		n, err := strconv.Atoi(v.text)
		if err != nil {
			return 0, v.Errorf("%s is outside the int range", clip(v.text))
		}
		return n, nil
	}
	if v.num != math.Trunc(v.num) || math.Abs(v.num) > maxExact {
		return 0, v.want("an integer")
	}
	return int(v.num), nil
}

// Bool returns the boolean v holds.
func (v *Value) Bool() (bool, error) {
	if v.kind != Bool {
		return false, v.want("true or false")
	}
	return v.num != 0, nil
}

// Str returns the string v holds.
func (v *Value) Str() (string, error) {
	if v.kind != String {
		return "", v.want("a string")
	}
	return v.text, nil
}

// Array returns the elements of array v.
func (v *Value) Array() ([]*Value, error) {
	if v.kind != Array {
		return nil, v.want("an array")
	}
	a := make([]*Value, len(v.kids))
	for i := range v.kids {
		a[i] = &v.kids[i]
	}
	return a, nil
}

// Floats returns the numbers of v, an array of numbers. An element that is
// not a number, null included, is an error at its position and path.
func (v *Value) Floats() ([]float64, error) {
	if v.kind != Array {
		return nil, v.want("an array of numbers")
	}
	x := make([]float64, len(v.kids))
	for i := range v.kids {
		e := &v.kids[i]
		if e.kind != Number {
			return nil, e.want("a number")
		}
		x[i] = e.num
	}
	return x, nil
}

// Matrix returns v, an array of rows that are arrays of numbers of one
// length, as a rows × cols row-major slice, ready for mat.NewDense. The
// empty array gives 0 × 0 and arrays of empty rows give rows × 0; callers
// that need a non-empty matrix check. A ragged row is an error at that row.
func (v *Value) Matrix() (rows, cols int, data []float64, err error) {
	if v.kind != Array {
		return 0, 0, nil, v.want("an array of rows")
	}
	rows = len(v.kids)
	for i := range v.kids {
		r := &v.kids[i]
		if r.kind != Array {
			return 0, 0, nil, r.want("a row (an array of numbers)")
		}
		if i == 0 {
			cols = len(r.kids)
			data = make([]float64, 0, rows*cols)
		} else if len(r.kids) != cols {
			return 0, 0, nil, r.Errorf("row has %d numbers, row 0 has %d", len(r.kids), cols)
		}
		for j := range r.kids {
			e := &r.kids[j]
			if e.kind != Number {
				return 0, 0, nil, e.want("a number")
			}
			data = append(data, e.num)
		}
	}
	return rows, cols, data, nil
}
