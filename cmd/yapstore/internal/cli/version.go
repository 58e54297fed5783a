package cli

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// BuildInfo is what the build recorded about the running binary; what it did not record is empty.
type BuildInfo struct {
	Version   string `json:"version"`            // the module's version, "(devel)" for a build from a checkout
	Revision  string `json:"revision,omitempty"` // the VCS revision, 12 digits, "+dirty" with uncommitted changes
	BuiltFrom string `json:"vcs_time,omitempty"` // the revision's commit time
	Go        string `json:"go"`                 // the Go version that built it
}

// ReadBuildInfo returns the running binary's BuildInfo, with Version "unknown" when the binary carries none.
func ReadBuildInfo() BuildInfo {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return BuildInfo{Version: "unknown"}
	}
	out := BuildInfo{Version: info.Main.Version, Go: info.GoVersion}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if settings["vcs.modified"] == "true" {
			rev += "+dirty"
		}
		out.Revision = rev
	}
	out.BuiltFrom = settings["vcs.time"]
	return out
}

// Version describes the running binary from its build information in one line: the module's version, the
// VCS revision (unless the version, a pseudo-version, names it) and time it was built from, and the Go
// version.
func Version() string {
	b := ReadBuildInfo()
	if b.Go == "" {
		return "unknown (no build information)"
	}
	parts := []string{b.Version}
	if b.Revision != "" && !strings.Contains(b.Version, strings.TrimSuffix(b.Revision, "+dirty")) {
		parts = append(parts, "revision "+b.Revision)
	}
	if b.BuiltFrom != "" {
		parts = append(parts, "built from "+b.BuiltFrom)
	}
	parts = append(parts, b.Go)
	return strings.Join(parts, ", ")
}

// writeVersion prints the program's name and Version, or with asJSON its BuildInfo as a JSON object.
func writeVersion(e *Env, name string, asJSON bool) {
	if asJSON {
		_ = e.PrintJSON(struct {
			Name string `json:"name"`
			BuildInfo
		}{name, ReadBuildInfo()})
		return
	}
	fmt.Fprintf(e.Stdout, "%s %s\n", name, Version())
}
