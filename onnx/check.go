package onnx

import "fmt"

// check verifies the graph's structure: unique names, every node input
// defined before the node (ONNX requires nodes in topological order), every
// node's domain imported, and every graph output defined. A later stage can
// then look values up by name without further checks.
func (d *decoder) check(m *Model) error {
	g := &m.Graph
	defined := map[string]string{} // value name -> what defines it
	for i := range g.Initializers {
		t := &g.Initializers[i]
		if t.Name == "" {
			return d.errf(fmt.Sprintf("initializer %d", i), "initializer has no name")
		}
		if _, dup := defined[t.Name]; dup {
			return d.errf(fmt.Sprintf("initializer %q", t.Name), "a second initializer with this name")
		}
		defined[t.Name] = "initializer"
	}
	inputs := map[string]bool{}
	for i, v := range g.Inputs {
		if v.Name == "" {
			return d.errf(fmt.Sprintf("graph input %d", i), "graph input has no name")
		}
		if inputs[v.Name] {
			return d.errf(fmt.Sprintf("graph input %q", v.Name), "a second graph input with this name")
		}
		// An input may share an initializer's name: the initializer is then
		// the input's default value.
		inputs[v.Name] = true
		defined[v.Name] = "graph input"
	}
	for k := range g.Nodes {
		n := &g.Nodes[k]
		where := nodeWhere(k, n)
		if n.OpType == "" {
			return d.errf(where, "node has no op_type")
		}
		if _, ok := m.Opsets[n.Domain]; !ok {
			return d.errf(where, "domain %q is not in opset_import", n.Domain)
		}
		for _, in := range n.Inputs {
			if in != "" && defined[in] == "" {
				return d.errf(where, "input %q is not defined by a graph input, an initializer or an earlier node", in)
			}
		}
		for _, out := range n.Outputs {
			if out == "" {
				continue
			}
			if what := defined[out]; what != "" {
				return d.errf(where, "output %q is already defined by %s", out, what)
			}
			defined[out] = where
		}
		attrs := map[string]bool{}
		for _, a := range n.Attrs {
			if attrs[a.Name] {
				return d.errf(where, "attribute %q appears twice", a.Name)
			}
			attrs[a.Name] = true
		}
	}
	outputs := map[string]bool{}
	for i, v := range g.Outputs {
		if v.Name == "" {
			return d.errf(fmt.Sprintf("graph output %d", i), "graph output has no name")
		}
		if outputs[v.Name] {
			return d.errf(fmt.Sprintf("graph output %q", v.Name), "a second graph output with this name")
		}
		outputs[v.Name] = true
		if defined[v.Name] == "" {
			return d.errf(fmt.Sprintf("graph output %q", v.Name), "graph output is not defined by any node, input or initializer")
		}
	}
	return nil
}
