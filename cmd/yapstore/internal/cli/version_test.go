package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--version", "--json"}, {"--json", "version"}} {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), &Command{Name: "yapstore"}, args, IO{Stdout: &out, Stderr: &errOut})
		if code != ExitOK || errOut.Len() != 0 {
			t.Fatalf("%s: exit %d, stderr %q", args, code, errOut.String())
		}
		var got struct{ Name, Version, Go string }
		if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Name != "yapstore" || got.Go != runtime.Version() || got.Version == "" {
			t.Errorf("%s printed %q (%v)", args, out.String(), err)
		}
	}
	for _, arg := range []string{"--version", "version"} {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), &Command{Name: "yapstore"}, []string{arg}, IO{Stdout: &out, Stderr: &errOut})
		if code != ExitOK || errOut.Len() != 0 {
			t.Fatalf("%s: exit %d, stderr %q", arg, code, errOut.String())
		}
		if line := out.String(); !strings.HasPrefix(line, "yapstore ") || !strings.Contains(line, runtime.Version()) {
			t.Errorf("%s printed %q", arg, line)
		}
	}
}
