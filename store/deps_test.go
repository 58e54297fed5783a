package store_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStoreLinksNoToolingDependencies lists what a program importing only package store links: pgx and what
// the store itself needs, none of the migration tooling (Atlas, HCL, go-cty), the test harness's container
// stack (testcontainers, Docker, OpenTelemetry) or anything else a service never calls.
func TestStoreLinksNoToolingDependencies(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "github.com/yapstore/yapstore/store").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, forbidden := range []string{"ariga.io/", "github.com/hashicorp/", "github.com/zclconf/",
			"github.com/testcontainers/", "github.com/docker/", "github.com/moby/", "go.opentelemetry.io/",
			"github.com/go-openapi/", "github.com/yapstore/yapstore/migrate", "github.com/yapstore/yapstore/pgserver",
			"github.com/yapstore/yapstore/storetest"} {
			if strings.HasPrefix(pkg, forbidden) {
				t.Errorf("package store depends on %s", pkg)
			}
		}
	}
}
