// Package jsonstrict is dualgrad's one JSON reader and writer for networks,
// problems and results. It is strict where encoding/json is lax, and every
// error it reports names the line, the column and the path of the culprit.
//
// # Reading
//
// Parse reads one JSON document, refusing input beyond a caller-given byte
// limit, into a tree of *Value. The tree keeps object members in document
// order and every value's position, and each value knows its parent, so that
// an error about any value names its path, such as d.layers[2].weight[0][3],
// without the caller tracking it.
//
// Parse rejects, besides malformed JSON:
//   - numbers outside the float64 range, such as 1e400 (JSON has no NaN or
//     Infinity either, and the error says so when the input tries them);
//   - a key that appears twice in one object;
//   - invalid UTF-8 and lone UTF-16 surrogate escapes such as "\ud800";
//   - nesting deeper than MaxDepth;
//   - anything but white space after the top-level value.
//
// Typed accessors then check what the caller expects: Float (null is an
// error, not 0), Int, Bool, Str, Array, Floats, Matrix (rectangular), and,
// for objects, CheckKeys, which rejects keys that are not known, naming the
// allowed ones or, for a key that differs from a known one only in case,
// asking "did you mean". Need and Get look members up by their exact key.
//
// A typical reader of {"phi": NET, "d": NET, "z": [...]}:
//
//	root, err := jsonstrict.Parse(r, 64<<20)
//	if err != nil {
//		return err
//	}
//	if err := root.CheckKeys("phi", "d", "z"); err != nil {
//		return err
//	}
//	zv, err := root.Need("z")
//	if err != nil {
//		return err
//	}
//	z, err := zv.Floats() // "line 3, column 9: z[0]: null, want a number"
//
// # Errors
//
// Every error about the input is an *Error. Its Error method gives
//
//	line L, column C: PATH: MSG
//
// where L and C count from 1 and C is the column of the first character of
// the offending token (within a string, of the offending character or
// escape); columns count Unicode code points, so a tab or an "é" is one
// column, and lines end at '\n' (so CRLF files number lines as editors do). The path is omitted for the top-level value and the
// position for errors that concern no single place, such as input over the
// limit. User text quoted in messages is cut to 40 characters and "…".
//
// # Writing
//
// Writer streams a JSON document, such as a result with a row per latent,
// with bounded memory: values go out as they are written. Numbers are
// written as encoding/json writes them, in the shortest form that reads
// back to the same float64; NaN and ±Inf are refused with an error naming
// their path.
package jsonstrict
