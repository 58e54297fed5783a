package demo

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// resultsFixture is the shared fixture of real results (one SHIELD-HIT12A run, 2.5 MB).
const resultsFixture = "json_with_results.json"

// ResultsPayload returns a results payload as a worker posts it, and where it came from: the shared fixture
// json_with_results.json when it is found (in $YAPSTORE_FIXTURES, or in a shared/fixtures directory beside
// the repository), else a small payload of the same shape made up here, so that the examples also run on a
// fresh clone. It fails only when a fixture file exists but cannot be read.
func ResultsPayload() ([]byte, string, error) {
	var dirs []string
	if dir := os.Getenv("YAPSTORE_FIXTURES"); dir != "" {
		dirs = append(dirs, dir)
	}
	// go run ./examples/... runs in the repository root; go run . in the example's directory.
	dirs = append(dirs, "../shared/fixtures", "../../../shared/fixtures")
	for _, dir := range dirs {
		path := filepath.Join(dir, resultsFixture)
		payload, err := os.ReadFile(path)
		if err == nil {
			return payload, path, nil
		}
		if !os.IsNotExist(err) {
			return nil, "", err
		}
	}
	payload, err := json.Marshal(madeUpResults())
	return payload, "made-up payload; set YAPSTORE_FIXTURES for the real one", err
}

// madeUpResults builds two estimators in the platform's shape: a depth profile with 1-D pages of 50 bins and
// an entrance slab with 0-D pages.
func madeUpResults() map[string]any {
	type object = map[string]any
	page := func(number int, quantity, unit string, values []float64, axis object) object {
		p := object{
			"metadata":   object{"page_number": fmt.Sprint(number), "name": quantity, "unit": unit},
			"dimensions": 0,
			"data":       object{"name": quantity, "unit": unit, "values": values},
		}
		if axis != nil {
			p["dimensions"] = 1
			p["axis_dim1"] = axis
		}
		return p
	}
	const bins = 50
	depth, dose, fluence := make([]float64, bins), make([]float64, bins), make([]float64, bins)
	for i := range bins {
		z := float64(i)*0.4 + 0.2
		depth[i] = z
		dose[i] = math.Round((1+3*math.Exp(-(z-15)*(z-15)/2))*1e6) / 1e6 // a Bragg peak near 15 cm
		fluence[i] = math.Round(math.Max(0, 1-z/17)*1e6) / 1e6
	}
	axis := object{"name": "Position (Z)", "unit": "cm", "values": depth}
	return object{"estimators": []object{
		{
			"name":     "z_profile_",
			"metadata": object{"file_corename": "z_profile_", "geo_name": "CylZ_Mesh"},
			"pages": []object{
				page(0, "DOSE", "MeV/g", dose, axis),
				page(1, "FLUENCE", "/cm^2", fluence, axis),
			},
		},
		{
			"name":     "entrance_",
			"metadata": object{"file_corename": "entrance_", "geo_name": "EntrySlab"},
			"pages": []object{
				page(0, "DOSE", "MeV/g", []float64{1.02}, nil),
				page(1, "AVG-ENERGY", "MeV", []float64{149.7}, nil),
			},
		},
	}}
}
