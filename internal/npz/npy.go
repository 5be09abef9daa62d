package npz

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The NPY format is specified in numpy/lib/format.py: the magic string, a
// major and minor version byte, the header length (uint16 in version 1.0,
// uint32 in 2.0 and 3.0, little-endian), and the header, a Python dict
// literal padded with spaces and ended by '\n' so that the data begins at
// a multiple of 64 bytes.

const (
	magic = "\x93NUMPY"

	// align is NumPy's ARRAY_ALIGN: the data starts at a multiple of it.
	align = 64

	// growthDigits is NumPy's GROWTH_AXIS_MAX_DIGITS: NumPy pads the
	// header by this many spaces less the digits of the first dimension,
	// so that the file can grow in place.
	growthDigits = 21

	// maxHeader bounds the header length Read accepts. Headers of '<f8'
	// arrays are under 400 bytes even with NumPy's 64 dimensions; NumPy
	// itself refuses headers over 10000 bytes by default.
	maxHeader = 1 << 16
)

// header returns the NPY header, magic string included, that np.save
// writes for a C-order array of type descr and the given shape.
func header(descr string, shape []int) []byte {
	var b strings.Builder
	b.WriteString("{'descr': '")
	b.WriteString(descr)
	b.WriteString("', 'fortran_order': False, 'shape': ")
	b.WriteString(shapeRepr(shape))
	b.WriteString(", }")
	if len(shape) > 0 {
		b.WriteString(strings.Repeat(" ", max(0, growthDigits-len(strconv.Itoa(shape[0])))))
	}
	h := b.String()
	// As numpy's _wrap_header: the padding is 1 to align spaces, never 0.
	n := len(h) + 1 // with the '\n'
	prefix := len(magic) + 2 + 2
	version := byte(1)
	if pad := align - (prefix+n)%align; n+pad > math.MaxUint16 {
		version, prefix = 2, prefix+2
	}
	pad := align - (prefix+n)%align
	out := make([]byte, 0, prefix+n+pad)
	out = append(out, magic...)
	out = append(out, version, 0)
	if version == 1 {
		out = binary.LittleEndian.AppendUint16(out, uint16(n+pad))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(n+pad))
	}
	out = append(out, h...)
	out = append(out, strings.Repeat(" ", pad)...)
	return append(out, '\n')
}

// shapeRepr returns Python's repr of shape as a tuple: (), (3,), (2, 3).
func shapeRepr(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// npyHeader is a parsed NPY header.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader parses the dict literal of an NPY header: the keys 'descr',
// 'fortran_order' and 'shape', each once, in any order, with the white
// space, quotes and trailing commas Python allows, and the L suffix of
// Python 2 integers.
func parseHeader(h string) (npyHeader, error) {
	p := &dictParser{s: h}
	var hd npyHeader
	var seen [3]bool
	p.space()
	if !p.eat('{') {
		return hd, p.fail("want '{'")
	}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return hd, err
		}
		p.space()
		if !p.eat(':') {
			return hd, p.fail("want ':' after key " + strconv.Quote(key))
		}
		p.space()
		var k int
		switch key {
		case "descr":
			k = 0
			if p.peek() == '[' {
				return hd, errors.New("structured dtype (a list of fields)")
			}
			hd.descr, err = p.str()
		case "fortran_order":
			k = 1
			hd.fortran, err = p.boolean()
		case "shape":
			k = 2
			hd.shape, err = p.tuple()
		default:
			return hd, fmt.Errorf("unknown key %s", strconv.Quote(clip(key)))
		}
		if err != nil {
			return hd, err
		}
		if seen[k] {
			return hd, fmt.Errorf("key %s appears twice", strconv.Quote(key))
		}
		seen[k] = true
		p.space()
		if !p.eat(',') {
			p.space()
			if !p.eat('}') {
				return hd, p.fail("want ',' or '}'")
			}
			break
		}
	}
	p.space()
	if p.i < len(p.s) {
		return hd, p.fail("unexpected text after the dict")
	}
	for k, name := range [...]string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return hd, fmt.Errorf("missing key '%s'", name)
		}
	}
	return hd, nil
}

// dictParser reads the Python literal of an NPY header.
type dictParser struct {
	s string
	i int
}

func (p *dictParser) fail(msg string) error {
	return fmt.Errorf("at byte %d: %s", p.i, msg)
}

func (p *dictParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *dictParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *dictParser) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// str reads a quoted string without escapes.
func (p *dictParser) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.fail("want a quoted string")
	}
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", p.fail("unterminated string")
	}
	s := p.s[p.i+1 : p.i+1+end]
	if strings.IndexByte(s, '\\') >= 0 {
		return "", p.fail("escape in string")
	}
	p.i += end + 2
	return s, nil
}

func (p *dictParser) boolean() (bool, error) {
	switch {
	case strings.HasPrefix(p.s[p.i:], "True"):
		p.i += 4
		return true, nil
	case strings.HasPrefix(p.s[p.i:], "False"):
		p.i += 5
		return false, nil
	}
	return false, p.fail("want True or False")
}

// tuple reads a tuple of non-negative integers: (), (3,), (2, 3).
func (p *dictParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, p.fail("want a tuple")
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') { // (), or after a comma
			return shape, nil
		}
		start := p.i
		for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
			p.i++
		}
		if p.i == start {
			return nil, p.fail("want a non-negative integer")
		}
		digits := p.s[start:p.i]
		d, err := strconv.Atoi(digits)
		if err != nil {
			p.i = start
			return nil, p.fail("dimension " + clip(digits) + " is too large")
		}
		_ = p.eat('L') || p.eat('l')
		shape = append(shape, d)
		p.space()
		if !p.eat(',') {
			p.space()
			switch {
			case p.peek() != ')':
				return nil, p.fail("want ',' or ')' in the shape")
			case len(shape) == 1:
				return nil, p.fail("(n) is not a tuple; want (n,)")
			}
			p.i++
			return shape, nil
		}
	}
}

// clip cuts s for quoting in messages.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// count returns the number of elements of an array of the given shape,
// checking that each dimension is non-negative and that the data, of
// itemSize bytes per element, can be addressed.
func count(shape []int, itemSize int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
		if d != 0 && n > math.MaxInt64/itemSize/d {
			return 0, fmt.Errorf("shape %v has too many elements", shape)
		}
		n *= d
	}
	return n, nil
}
