package jsonstrict

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects that Parse accepts,
// the limit of encoding/json. It bounds the parser's recursion.
const MaxDepth = 10000

// Parse reads all of r, which must hold one JSON value and nothing else but
// white space, and returns the value's tree. It reads at most limit+1 bytes:
// longer input is refused with an error that states the limit. Errors about
// the input are *Error; errors of r are returned wrapped.
func Parse(r io.Reader, limit int64) (*Value, error) {
	if limit < 0 {
		return nil, fmt.Errorf("jsonstrict: negative limit %d", limit)
	}
	data, err := readLimited(r, limit)
	if err != nil {
		return nil, err
	}
	return parse(string(data))
}

// ParseBytes is Parse for a document already in memory, as for an
// UnmarshalJSON method. It does not retain data.
func ParseBytes(data []byte) (*Value, error) {
	return parse(string(data))
}

// readLimited reads r to its end, failing once it has read more than limit
// bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	tooLarge := &Error{Msg: fmt.Sprintf("input is larger than the limit of %d bytes", limit)}
	// A size known in advance saves the growing copies of io.ReadAll, and
	// an in-memory reader over the limit needs no reading at all.
	size := int64(-1)
	switch s := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		size = int64(s.Len())
		if size > limit {
			return nil, tooLarge
		}
	case interface{ Stat() (fs.FileInfo, error) }: // *os.File
		if fi, err := s.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	c := int64(512)
	if size >= 0 {
		c = min(size, limit) + 1 // +1 to see io.EOF without growing
	}
	buf := make([]byte, 0, min(c, limit+1))
	lr := io.LimitReader(r, limit+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, tooLarge
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("jsonstrict: reading input: %w", err)
		}
	}
}

// parser reads one document from src. Positions of values are computed as
// the scan goes (line, lineStart, extra); positions of errors, which are
// rare, from scratch.
type parser struct {
	src       string
	pos       int // offset of the next byte to read
	line      int // line of pos, from 1
	lineStart int // offset of the first byte of pos's line
	extra     int // UTF-8 continuation bytes in src[lineStart:pos]

	depth   int
	scratch []Value // children of the open containers, innermost last
	frames  []frame // the open containers, for error paths
}

// frame is an open array or object.
type frame struct {
	obj  bool
	open int    // offset of its '[' or '{'
	key  string // in an object, the key being read
	idx  int    // in an array, the number of complete elements
	in   bool   // a member or element is being read
}

func parse(src string) (*Value, error) {
	p := &parser{src: src, line: 1}
	p.space()
	root := new(Value)
	var err error
	if *root, err = p.value(); err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.src) {
		return nil, p.errAt(p.pos, "unexpected %s after the top-level value", p.describe(p.pos))
	}
	adopt(root)
	return root, nil
}

// adopt points the children of v, now at its final place, back to v.
func adopt(v *Value) {
	for i := range v.kids {
		v.kids[i].parent = v
	}
}

// space skips white space.
func (p *parser) space() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\r':
			p.pos++
		case '\n':
			p.pos++
			p.line++
			p.lineStart = p.pos
			p.extra = 0
		default:
			return
		}
	}
}

// here returns the position of p.pos, saturated to the int32 range.
func (p *parser) here() (line, col int32) {
	return int32(min(p.line, math.MaxInt32)), int32(min(p.pos-p.lineStart-p.extra+1, math.MaxInt32))
}

// errAt returns an *Error at byte offset off, with the path being read.
func (p *parser) errAt(off int, format string, args ...any) error {
	line, col := position(p.src, off)
	return &Error{Line: line, Col: col, Path: p.path(), Msg: fmt.Sprintf(format, args...)}
}

// path returns the path of the value being read, or of the innermost open
// container between its members.
func (p *parser) path() string {
	segs := make([]segment, 0, len(p.frames))
	for _, f := range p.frames {
		switch {
		case !f.in:
		case f.obj:
			segs = append(segs, segment{key: f.key, index: -1})
		default:
			segs = append(segs, segment{index: f.idx})
		}
	}
	return formatPath(segs)
}

// eof returns the error for input ending where want was expected, naming
// the innermost container left open.
func (p *parser) eof(want string) error {
	msg := "unexpected end of input; want " + want
	if n := len(p.frames); n > 0 {
		f := p.frames[n-1]
		line, col := position(p.src, f.open)
		what := "array"
		if f.obj {
			what = "object"
		}
		msg += fmt.Sprintf(" (the %s at line %d, column %d is not closed)", what, line, col)
	}
	return p.errAt(len(p.src), "%s", msg)
}

// value reads a value. It returns the Value rather than filling in a
// *Value so that, in this recursion, the Value can stay on the stack.
func (p *parser) value() (Value, error) {
	var v Value
	if p.pos >= len(p.src) {
		return v, p.eof("a value")
	}
	v.line, v.col = p.here()
	var err error
	switch c := p.src[p.pos]; {
	case c == '{':
		v.kind = Object
		v.kids, err = p.object()
	case c == '[':
		v.kind = Array
		v.kids, err = p.array()
	case c == '"':
		v.kind = String
		v.text, err = p.str()
	case c == '-' || '0' <= c && c <= '9':
		err = p.number(&v)
	case c == 't':
		v.kind, v.num = Bool, 1
		err = p.literal("true")
	case c == 'f':
		v.kind = Bool
		err = p.literal("false")
	case c == 'n':
		v.kind = Null
		err = p.literal("null")
	default:
		err = p.badValue(p.pos)
	}
	return v, err
}

// literal consumes want, which the input must spell exactly.
func (p *parser) literal(want string) error {
	if !strings.HasPrefix(p.src[p.pos:], want) || p.pos+len(want) < len(p.src) && isWordByte(p.src[p.pos+len(want)]) {
		return p.badValue(p.pos)
	}
	p.pos += len(want)
	return nil
}

// isWordByte reports whether c can continue a number or a bare word, so
// that an error can quote all of "1.5.3" or "Infinity".
func isWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '+' || c == '-' || c == '.' || c == '_'
}

// word returns the run of word bytes at off.
func (p *parser) word(off int) string {
	end := off
	for end < len(p.src) && isWordByte(p.src[end]) {
		end++
	}
	return p.src[off:end]
}

// isNonFinite reports whether w spells NaN or an infinity in one of the
// usual ways.
func isNonFinite(w string) bool {
	w = strings.ToLower(strings.TrimLeft(w, "+-"))
	return w == "nan" || w == "inf" || w == "infinity"
}

// badValue returns the error for something at off that does not start a
// value.
func (p *parser) badValue(off int) error {
	w := p.word(off)
	switch lw := strings.ToLower(w); {
	case w == "":
		return p.errAt(off, "unexpected %s; want a value", p.describe(off))
	case isNonFinite(w):
		return p.errAt(off, "%s is not valid JSON; numbers must be finite", quote(w))
	case lw == "true" || lw == "false" || lw == "null":
		return p.errAt(off, "invalid literal %s; want true, false or null, in lower case", quote(w))
	case nearLiteral(lw):
		return p.errAt(off, "invalid literal %s; want true, false or null", quote(w))
	case w[0] == '+' || w[0] == '.' || w[0] == '-' || '0' <= w[0] && w[0] <= '9':
		return p.errAt(off, "invalid number %s", quote(w))
	}
	return p.errAt(off, "unexpected %s; want a value (strings need double quotes)", quote(w))
}

// nearLiteral reports whether w, in lower case, is a start of a literal or
// starts with one, as in "tru" or "nullx".
func nearLiteral(w string) bool {
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(lit, w) || strings.HasPrefix(w, lit) {
			return true
		}
	}
	return false
}

// describe names the input at off for "unexpected …" messages.
func (p *parser) describe(off int) string {
	if off >= len(p.src) {
		return "end of input"
	}
	c := p.src[off]
	switch {
	case isWordByte(c):
		return quote(p.word(off))
	case c == '"':
		return "string"
	case 0x20 < c && c < 0x7f:
		return "'" + string(c) + "'"
	}
	r, size := utf8.DecodeRuneInString(p.src[off:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02x (not UTF-8)", c)
	}
	if r == '\uFEFF' {
		return "U+FEFF (a byte order mark)"
	}
	return fmt.Sprintf("%U", r)
}

// number reads a number, which must fit a float64. Underflow rounds to zero
// or a subnormal, as strconv.ParseFloat does.
func (p *parser) number(v *Value) error {
	src, start := p.src, p.pos
	i := start
	digits := func() bool {
		j := i
		for i < len(src) && '0' <= src[i] && src[i] <= '9' {
			i++
		}
		return i > j
	}
	if src[i] == '-' {
		i++
	}
	switch {
	case i < len(src) && src[i] == '0':
		i++
	case !digits():
		return p.badValue(start)
	}
	if i < len(src) && src[i] == '.' {
		i++
		if !digits() {
			return p.badValue(start)
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if !digits() {
			return p.badValue(start)
		}
	}
	if i < len(src) && isWordByte(src[i]) { // 01, 1.5.3, 1x
		return p.badValue(start)
	}
	lit := src[start:i]
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil { // only ErrRange can remain: the syntax is checked
		return p.errAt(start, "%s is outside the float64 range; numbers must be finite", clip(lit))
	}
	v.kind, v.text, v.num = Number, lit, f
	p.pos = i
	return nil
}

// str reads a string and returns its contents.
func (p *parser) str() (string, error) {
	src, open := p.src, p.pos
	i := open + 1
	for i < len(src) { // fast path: printable ASCII without escapes
		c := src[i]
		if c == '"' {
			p.pos = i + 1
			return src[open+1 : i], nil
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
		i++
	}
	var buf []byte  // nil until the first escape
	lit := open + 1 // start of the run not yet copied to buf
	for {
		if i >= len(src) {
			return "", p.errAt(open, "unterminated string")
		}
		switch c := src[i]; {
		case c == '"':
			p.pos = i + 1
			if buf == nil {
				return src[open+1 : i], nil
			}
			return string(append(buf, src[lit:i]...)), nil
		case c == '\\':
			if buf == nil {
				buf = make([]byte, 0, i-open+16)
			}
			buf = append(buf, src[lit:i]...)
			n, err := p.escape(&buf, i)
			if err != nil {
				return "", err
			}
			i += n
			lit = i
		case c == '\n':
			return "", p.errAt(open, "unterminated string: end of line before the closing quote")
		case c < 0x20:
			return "", p.errAt(i, "control character %U in string; escape it as \\u%04x", rune(c), c)
		case c < 0x80:
			i++
		default:
			r, size := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && size == 1 {
				return "", p.errAt(i, "invalid UTF-8 (byte 0x%02x) in string", c)
			}
			p.extra += size - 1
			i += size
		}
	}
}

// escape decodes the escape sequence at src[i] == '\\' onto buf and returns
// its length.
func (p *parser) escape(buf *[]byte, i int) (int, error) {
	src := p.src
	if i+1 >= len(src) {
		return 0, p.errAt(i, "unterminated string")
	}
	switch c := src[i+1]; c {
	case '"', '\\', '/':
		*buf = append(*buf, c)
	case 'b':
		*buf = append(*buf, '\b')
	case 'f':
		*buf = append(*buf, '\f')
	case 'n':
		*buf = append(*buf, '\n')
	case 'r':
		*buf = append(*buf, '\r')
	case 't':
		*buf = append(*buf, '\t')
	case 'u':
		r, ok := hex4(src[i+2:])
		if !ok {
			return 0, p.errAt(i, "invalid escape %s in string; want \\u and four hex digits", escText(cutEscape(src[i:min(i+6, len(src))])))
		}
		if !utf16.IsSurrogate(r) {
			*buf = utf8.AppendRune(*buf, r)
			return 6, nil
		}
		if r < 0xdc00 && strings.HasPrefix(src[i+6:], `\u`) {
			if lo, ok := hex4(src[i+8:]); ok && 0xdc00 <= lo && lo <= 0xdfff {
				*buf = utf8.AppendRune(*buf, utf16.DecodeRune(r, lo))
				return 12, nil
			}
		}
		return 0, p.errAt(i, "lone surrogate %s in string", src[i:i+6])
	default:
		_, size := utf8.DecodeRuneInString(src[i+1:])
		return 0, p.errAt(i, "invalid escape %s in string", escText(src[i:i+1+size]))
	}
	return 2, nil
}

// cutEscape cuts a would-be \uXXXX escape at its end of string.
func cutEscape(s string) string {
	if i := strings.IndexByte(s, '"'); i >= 0 {
		return s[:i]
	}
	return s
}

// escText shows an escape sequence as written if it is printable ASCII,
// else quoted.
func escText(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] <= 0x20 || s[i] >= 0x7f {
			return strconv.Quote(s)
		}
	}
	return s
}

// hex4 decodes four hex digits at the start of s.
func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// enter opens a container at p.pos.
func (p *parser) enter(obj bool) error {
	if p.depth++; p.depth > MaxDepth {
		return p.errAt(p.pos, "nesting deeper than %d levels", MaxDepth)
	}
	p.frames = append(p.frames, frame{obj: obj, open: p.pos})
	p.pos++
	p.space()
	return nil
}

// leave closes the innermost container and returns its children, moved
// from scratch[base:] to their own slice. (Returning them, rather than
// storing them through a *Value, keeps each element off the heap.)
func (p *parser) leave(base int) []Value {
	var kids []Value
	if n := len(p.scratch) - base; n > 0 {
		kids = make([]Value, n)
		copy(kids, p.scratch[base:])
		clear(p.scratch[base:]) // drop references the scratch need not keep
		p.scratch = p.scratch[:base]
		for i := range kids {
			adopt(&kids[i])
		}
	}
	p.depth--
	p.frames = p.frames[:len(p.frames)-1]
	p.pos++
	return kids
}

// array reads an array and returns its elements.
func (p *parser) array() ([]Value, error) {
	if err := p.enter(false); err != nil {
		return nil, err
	}
	f, base, src := len(p.frames)-1, len(p.scratch), p.src
	if p.pos < len(src) && src[p.pos] == ']' {
		return p.leave(base), nil
	}
	for {
		p.frames[f].in = true
		elem, err := p.value()
		if err != nil {
			return nil, err
		}
		p.scratch = append(p.scratch, elem)
		p.frames[f].in = false
		p.frames[f].idx++
		p.space()
		if p.pos >= len(src) {
			return nil, p.eof("',' or ']'")
		}
		switch src[p.pos] {
		case ',':
			p.pos++
			p.space()
			if p.pos < len(src) && src[p.pos] == ']' {
				return nil, p.errAt(p.pos, "unexpected ']' after ','; JSON has no trailing commas")
			}
		case ']':
			return p.leave(base), nil
		default:
			return nil, p.errAt(p.pos, "unexpected %s after an array element; want ',' or ']'", p.describe(p.pos))
		}
	}
}

// smallObject is the number of keys up to which duplicates are found by
// scanning; larger objects use a map.
const smallObject = 16

// object reads an object and returns its keys and values, alternating.
func (p *parser) object() ([]Value, error) {
	if err := p.enter(true); err != nil {
		return nil, err
	}
	f, base, src := len(p.frames)-1, len(p.scratch), p.src
	if p.pos < len(src) && src[p.pos] == '}' {
		return p.leave(base), nil
	}
	var seen map[string]int // key → index in scratch, for large objects
	for {
		if p.pos >= len(src) {
			return nil, p.eof("a field name")
		}
		if src[p.pos] != '"' {
			return nil, p.errAt(p.pos, "unexpected %s; want a field name in double quotes", p.describe(p.pos))
		}
		var key Value
		key.kind = String
		key.line, key.col = p.here()
		at := p.pos
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		key.text = s
		first := -1
		if seen != nil {
			if j, ok := seen[s]; ok {
				first = j
			}
		} else {
			for j := base; j < len(p.scratch); j += 2 {
				if p.scratch[j].text == s {
					first = j
					break
				}
			}
		}
		if first >= 0 {
			k := &p.scratch[first]
			return nil, p.errAt(at, "duplicate field %s (first at line %d, column %d)", quote(s), k.line, k.col)
		}
		p.frames[f].key = s
		p.space()
		if p.pos >= len(src) {
			return nil, p.eof("':'")
		}
		if src[p.pos] != ':' {
			return nil, p.errAt(p.pos, "unexpected %s after field name %s; want ':'", p.describe(p.pos), quote(s))
		}
		p.pos++
		p.space()
		p.frames[f].in = true
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		p.frames[f].in = false
		p.scratch = append(p.scratch, key, val)
		if n := (len(p.scratch) - base) / 2; seen != nil {
			seen[s] = len(p.scratch) - 2
		} else if n > smallObject {
			seen = make(map[string]int, 2*n)
			for j := base; j < len(p.scratch); j += 2 {
				seen[p.scratch[j].text] = j
			}
		}
		p.space()
		if p.pos >= len(src) {
			return nil, p.eof("',' or '}'")
		}
		switch src[p.pos] {
		case ',':
			p.pos++
			p.space()
			if p.pos < len(src) && src[p.pos] == '}' {
				return nil, p.errAt(p.pos, "unexpected '}' after ','; JSON has no trailing commas")
			}
		case '}':
			return p.leave(base), nil
		default:
			return nil, p.errAt(p.pos, "unexpected %s after a field value; want ',' or '}'", p.describe(p.pos))
		}
	}
}
