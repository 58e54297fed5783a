package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEveryGeneratedQueryIsCalled fails when a query of queries/ is never called by the package's code (tests
// aside): dead queries are generated code to read, review and keep compiling for nothing. Remove the query,
// or call it.
func TestEveryGeneratedQueryIsCalled(t *testing.T) {
	t.Parallel()
	generated := map[string]bool{}
	for _, f := range parseDir(t, filepath.Join("internal", "dbsqlc")) {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() {
				continue
			}
			if star, ok := fn.Recv.List[0].Type.(*ast.StarExpr); ok && star.X.(*ast.Ident).Name == "Queries" {
				generated[fn.Name.Name] = false
			}
		}
	}
	if len(generated) < 20 {
		t.Fatalf("found only %d generated methods: is the generated package where this test looks?", len(generated))
	}
	for _, f := range parseDir(t, ".") {
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "queries" {
					if _, known := generated[sel.Sel.Name]; known {
						generated[sel.Sel.Name] = true
					}
				}
			}
			return true
		})
	}
	var unused []string
	for name, called := range generated {
		if !called {
			unused = append(unused, name)
		}
	}
	slices.Sort(unused)
	if len(unused) > 0 {
		t.Errorf("generated queries never called by package store: %s", strings.Join(unused, ", "))
	}
}

// parseDir parses the non-test Go files of dir.
func parseDir(t *testing.T, dir string) []*ast.File {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}
