package main

import (
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/onnx"
)

// importONNX builds a graph from an ONNX file's bytes.
func importONNX(path string, data []byte) (*graph.Graph, error) {
	m, err := onnx.DecodeNamed(path, data)
	if err != nil {
		return nil, err
	}
	return onnx.Import(m)
}
