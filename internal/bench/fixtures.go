package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// FixturesEnv names the environment variable that says where the shared fixtures are, as for package
// compress's tests.
const FixturesEnv = "YAPSTORE_FIXTURES"

// The fixture files the workloads read.
const (
	InputFixture   = "json_payload_editor.json" // W1's input blob
	ResultsFixture = "json_with_results.json"   // W3's payload and W4's expected value
)

// Fixtures are the payloads of the workloads, read once.
type Fixtures struct {
	Dir     string // where they were read from
	Input   []byte // the editor payload (W1)
	Results []byte // the results file (W3, W4)

	Estimators int // estimators in the results file
	Pages      int // pages of all its estimators
}

// FindFixtures returns the fixtures directory to use: dir when not empty; else $YAPSTORE_FIXTURES; else
// ../shared/fixtures beside the repository, looked for from the working directory upwards (the directory
// holding go.mod is the repository's root). It returns an error wrapping ErrFixtures, saying where it
// looked, when there is none.
func FindFixtures(dir string, getenv func(string) string) (string, error) {
	if dir != "" {
		return checkDir(dir)
	}
	if getenv != nil {
		if env := getenv(FixturesEnv); env != "" {
			return checkDir(env)
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrFixtures, err)
	}
	var tried []string
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			candidate := filepath.Join(d, "..", "shared", "fixtures")
			if _, err := checkDir(candidate); err == nil {
				return filepath.Clean(candidate), nil
			}
			tried = append(tried, filepath.Clean(candidate))
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	candidate := filepath.Join(wd, "..", "shared", "fixtures")
	if _, err := checkDir(candidate); err == nil {
		return filepath.Clean(candidate), nil
	}
	tried = append(tried, filepath.Clean(candidate))
	return "", fmt.Errorf("%w: looked in %v; pass --fixtures DIR or set %s to the directory holding %s and %s",
		ErrFixtures, tried, FixturesEnv, InputFixture, ResultsFixture)
}

// checkDir returns dir when it is a directory, else an error wrapping ErrFixtures.
func checkDir(dir string) (string, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrFixtures, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("%w: %s is not a directory", ErrFixtures, dir)
	}
	return dir, nil
}

// LoadFixtures reads the workloads' fixtures from dir and checks that they are the JSON the workloads need
// (the results file an object with an "estimators" array). It returns an error wrapping ErrFixtures for a
// missing or malformed file.
func LoadFixtures(dir string) (*Fixtures, error) {
	f := &Fixtures{Dir: dir}
	for _, file := range []struct {
		name string
		into *[]byte
	}{{InputFixture, &f.Input}, {ResultsFixture, &f.Results}} {
		data, err := os.ReadFile(filepath.Join(dir, file.name))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%w: %s is not in %s", ErrFixtures, file.name, dir)
			}
			return nil, fmt.Errorf("%w: %v", ErrFixtures, err)
		}
		if !json.Valid(data) {
			return nil, fmt.Errorf("%w: %s is not valid JSON", ErrFixtures, filepath.Join(dir, file.name))
		}
		*file.into = data
	}
	var shape struct {
		Estimators []struct {
			Pages []json.RawMessage `json:"pages"`
		} `json:"estimators"`
	}
	if err := json.Unmarshal(f.Results, &shape); err != nil || len(shape.Estimators) == 0 {
		return nil, fmt.Errorf("%w: %s has no estimators", ErrFixtures, ResultsFixture)
	}
	f.Estimators = len(shape.Estimators)
	for _, est := range shape.Estimators {
		f.Pages += len(est.Pages)
	}
	return f, nil
}
