package pgserver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// installGlobs returns the places package managers put PostgreSQL's server binaries, which are usually not
// on PATH (Debian keeps them per major version under /usr/lib/postgresql).
func installGlobs() []string {
	return []string{
		"/usr/lib/postgresql/*/bin",                          // Debian, Ubuntu
		"/usr/pgsql-*/bin",                                   // PGDG RPMs
		"/usr/local/opt/postgresql*/bin",                     // Homebrew on Intel macOS
		"/opt/homebrew/opt/postgresql*/bin",                  // Homebrew on Apple silicon
		"/Applications/Postgres.app/Contents/Versions/*/bin", // Postgres.app
		"/usr/local/pgsql/bin",                               // built from source
	}
}

// findBinDir returns the first directory holding both initdb and postgres, searching extra, then the
// directory of initdb on PATH, then installGlobs with the highest version first. It returns an error
// wrapping ErrBinariesNotFound listing where it looked.
func findBinDir(extra []string) (string, error) {
	candidates := slices.Clone(extra)
	if p, err := exec.LookPath(exeName("initdb")); err == nil {
		candidates = append(candidates, filepath.Dir(p))
	}
	var installed []string
	for _, g := range installGlobs() {
		matches, _ := filepath.Glob(g) // the patterns are constant and valid
		installed = append(installed, matches...)
	}
	slices.SortStableFunc(installed, func(a, b string) int { return slices.Compare(versionOf(b), versionOf(a)) })
	candidates = append(candidates, installed...)

	for _, dir := range candidates {
		if isExecutable(filepath.Join(dir, exeName("initdb"))) && isExecutable(filepath.Join(dir, exeName("postgres"))) {
			return dir, nil
		}
	}
	return "", skipErr(ErrBinariesNotFound, "looked in Options.BinDirs, on PATH and in %s",
		strings.Join(installGlobs(), ", "))
}

// exeName returns the file name of the program name on this system.
func exeName(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

// isExecutable reports whether path is a regular file that someone may execute.
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0
}

// versionOf returns the last run of dot-separated numbers in the install directory (the part before
// /bin), for example [15] for /usr/lib/postgresql/15/bin and [16 2] for .../postgresql@16.2/bin; nil when
// there is none.
func versionOf(binDir string) []int {
	dir := filepath.Dir(binDir)
	var last []int
	for i := 0; i < len(dir); {
		if dir[i] < '0' || dir[i] > '9' {
			i++
			continue
		}
		var parts []int
		for i < len(dir) {
			j := i
			for j < len(dir) && dir[j] >= '0' && dir[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(dir[i:j]) // only digits, and short
			parts = append(parts, n)
			i = j
			if i+1 < len(dir) && dir[i] == '.' && dir[i+1] >= '0' && dir[i+1] <= '9' {
				i++
				continue
			}
			break
		}
		last = parts
	}
	return last
}

// describeBinDir returns the directory with the server's version when postgres --version answers.
func describeBinDir(dir string) string {
	out, err := exec.Command(filepath.Join(dir, exeName("postgres")), "--version").Output()
	if err != nil {
		return dir
	}
	return fmt.Sprintf("%s (%s)", dir, strings.TrimSpace(string(out)))
}
