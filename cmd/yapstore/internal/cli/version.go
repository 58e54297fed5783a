package cli

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Version describes the running binary from its build information: the module's version ("(devel)" for a
// build from a checkout), the VCS revision and time it was built from, "+dirty" when the checkout had
// uncommitted changes, and the Go version. What the build did not record is left out.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build information)"
	}
	parts := []string{info.Main.Version}
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
		if !strings.Contains(info.Main.Version, strings.TrimSuffix(rev, "+dirty")) { // a pseudo-version names it
			parts = append(parts, "revision "+rev)
		}
	}
	if at := settings["vcs.time"]; at != "" {
		parts = append(parts, "built from "+at)
	}
	parts = append(parts, info.GoVersion)
	return strings.Join(parts, ", ")
}

// writeVersion prints the program's name and Version.
func writeVersion(e *Env, name string) {
	fmt.Fprintf(e.Stdout, "%s %s\n", name, Version())
}
