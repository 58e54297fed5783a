package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
)

// CheckResults compares what a results read returned with the "estimators" member of the results file, value
// by value: the same estimators in the same order, each with the same name, an equal metadata object and
// equal pages in the same order. Objects are compared key by key whatever their key order or spacing; numbers
// by their exact decimal value (1.50 equals 1.5); strings, booleans and nulls exactly. It returns nil when
// they are equal, else an error wrapping ErrCheck that names the first difference by its path, such as
// estimators[0].pages[2].data.values[17].
func CheckResults(resultsFile []byte, got []EstimatorValues) error {
	want, err := decodeValue(resultsFile)
	if err != nil {
		return fmt.Errorf("%w: results file: %v", ErrCheck, err)
	}
	wantObject, ok := want.(map[string]any)
	if !ok {
		return fmt.Errorf("%w: results file is not an object", ErrCheck)
	}
	gotValue := make([]any, len(got))
	for i, est := range got {
		metadata, err := decodeValue(est.Metadata)
		if err != nil {
			return fmt.Errorf("%w: estimators[%d].metadata: %v", ErrCheck, i, err)
		}
		pages := make([]any, len(est.Pages))
		for p, page := range est.Pages {
			if pages[p], err = decodeValue(page); err != nil {
				return fmt.Errorf("%w: estimators[%d].pages[%d]: %v", ErrCheck, i, p, err)
			}
		}
		gotValue[i] = map[string]any{"name": est.Name, "metadata": metadata, "pages": pages}
	}
	return compareValues("estimators", gotValue, wantObject["estimators"])
}

// decodeValue decodes JSON text into generic values with numbers kept as their text.
func decodeValue(text []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// compareValues returns an error wrapping ErrCheck at the first place got and want differ, nil when equal.
func compareValues(path string, got, want any) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return mismatch(path, got, want)
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			gv, gok := g[k]
			wv, wok := w[k]
			switch {
			case !gok:
				return fmt.Errorf("%w: %s.%s is missing", ErrCheck, path, k)
			case !wok:
				return fmt.Errorf("%w: %s.%s is not in the results file", ErrCheck, path, k)
			}
			if err := compareValues(path+"."+k, gv, wv); err != nil {
				return err
			}
		}
		return nil
	case []any:
		g, ok := got.([]any)
		if !ok {
			return mismatch(path, got, want)
		}
		if len(g) != len(w) {
			return fmt.Errorf("%w: %s has %d elements, the results file %d", ErrCheck, path, len(g), len(w))
		}
		for i := range w {
			if err := compareValues(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); err != nil {
				return err
			}
		}
		return nil
	case json.Number:
		g, ok := got.(json.Number)
		if !ok || !sameNumber(g, w) {
			return mismatch(path, got, want)
		}
		return nil
	default: // string, bool, nil
		if got != want {
			return mismatch(path, got, want)
		}
		return nil
	}
}

// sameNumber reports whether two JSON numbers have the same exact value.
func sameNumber(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, okX := new(big.Rat).SetString(string(a))
	y, okY := new(big.Rat).SetString(string(b))
	return okX && okY && x.Cmp(y) == 0
}

// mismatch describes a value that differs from the results file's.
func mismatch(path string, got, want any) error {
	return fmt.Errorf("%w: %s is %s, the results file has %s", ErrCheck, path, short(got), short(want))
}

// short renders a value for a message, cut to 60 characters.
func short(v any) string {
	text, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(text) > 60 {
		return string(text[:57]) + "..."
	}
	return string(text)
}
