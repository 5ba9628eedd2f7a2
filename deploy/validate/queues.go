package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
)

// asynqQueues reads the names of the queues the workers serve from the
// Queues map in jobs/tasks.go. This module does not import the service's
// (it would tie their dependencies together), so it parses the source: a
// queue added or renamed there without its autoscaling trigger fails
// deploy-check instead of going unwatched.
func asynqQueues(tasksFile string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), tasksFile, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("read the queues: %w", err)
	}
	consts := map[string]string{}
	var queues *ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			if i >= len(vs.Values) {
				break
			}
			switch v := vs.Values[i].(type) {
			case *ast.BasicLit:
				if s, err := strconv.Unquote(v.Value); err == nil && v.Kind == token.STRING {
					consts[name.Name] = s
				}
			case *ast.CompositeLit:
				if name.Name == "Queues" {
					queues = v
				}
			}
		}
		return true
	})
	if queues == nil {
		return nil, fmt.Errorf("%s: no `var Queues = map[string]int{...}` found; update deploy/validate/queues.go", tasksFile)
	}
	var out []string
	for _, e := range queues.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return nil, fmt.Errorf("%s: Queues: an element is not key: value", tasksFile)
		}
		switch k := kv.Key.(type) {
		case *ast.Ident:
			s, ok := consts[k.Name]
			if !ok {
				return nil, fmt.Errorf("%s: Queues: %s is not a string constant of the file", tasksFile, k.Name)
			}
			out = append(out, s)
		case *ast.BasicLit:
			s, err := strconv.Unquote(k.Value)
			if err != nil {
				return nil, fmt.Errorf("%s: Queues: key %s: %w", tasksFile, k.Value, err)
			}
			out = append(out, s)
		default:
			return nil, fmt.Errorf("%s: Queues: a key is neither a constant nor a string", tasksFile)
		}
	}
	slices.Sort(out)
	return out, nil
}
