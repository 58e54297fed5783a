package storetest

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestHashTag(t *testing.T) {
	tag, err := hashTag("KWpgGH3Uhpw2b90ReiqKCY9eiSw+rrmlRioywwv5DNg=")
	if err != nil || tag != "296a60187dd4869c" {
		t.Fatalf("hashTag = %q, %v; want the first 8 bytes of the hash in hex", tag, err)
	}
	other, err := hashTag("not base64!")
	if err != nil || len(other) != 16 {
		t.Fatalf("hashTag of non-base64 = %q, %v", other, err)
	}
	if _, err := hex.DecodeString(other); err != nil {
		t.Fatalf("tag %q is not hex", other)
	}
	if _, err := hashTag(""); !errors.Is(err, errNoMigrationsHash) {
		t.Fatalf("hashTag(\"\") error = %v", err)
	}
}

func TestNamesCarryTheirTime(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, name := range []string{newTestName(now), buildName("296a60187dd4869c", now)} {
		if len(name) > 63 {
			t.Errorf("%s is longer than PostgreSQL's 63-byte identifiers", name)
		}
		if got, ok := createdAt(name); !ok || !got.Equal(now) {
			t.Errorf("createdAt(%s) = %v, %v; want %v", name, got, ok, now)
		}
	}
	if _, ok := createdAt(templateName("296a60187dd4869c")); ok {
		t.Error("a template name carries no time")
	}
	if newTestName(now) == newTestName(now) {
		t.Error("two test names made in the same second are equal")
	}
}

func TestIsStale(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	const current = templatePrefix + "296a60187dd4869c"
	builtLongAgo := fmt.Sprintf("storetest template of migrations h1:x; built_at=%d", now.Add(-25*time.Hour).Unix())
	builtRecently := fmt.Sprintf("storetest template of migrations h1:x; built_at=%d", now.Add(-time.Hour).Unix())
	tests := []struct {
		name, comment string
		want          bool
	}{
		{newTestName(now.Add(-9 * time.Hour)), "", true},
		{newTestName(now.Add(-7 * time.Hour)), "", false},
		{buildName("296a60187dd4869c", now.Add(-2*time.Hour)), "", true},
		{buildName("296a60187dd4869c", now.Add(-time.Minute)), "", false},
		{templatePrefix + "0000000000000000", builtLongAgo, true},
		{templatePrefix + "0000000000000000", builtRecently, false},
		{templatePrefix + "0000000000000000", "", false},
		{current, builtLongAgo, false},
		{namePrefix + "something_else", "", false},
	}
	for _, tt := range tests {
		if got := isStale(tt.name, tt.comment, current, now); got != tt.want {
			t.Errorf("isStale(%s, %q) = %v, want %v", tt.name, tt.comment, got, tt.want)
		}
	}
}

// TestSweepDropsOnlyStale plants stale and fresh leftovers on the server and sweeps.
func TestSweepDropsOnlyStale(t *testing.T) {
	h, err := process.get(t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	now := time.Now()
	staleTest := newTestName(now.Add(-staleTestAge - time.Hour))
	freshTest := newTestName(now)
	staleTemplate := templatePrefix + "00000000" + hex.EncodeToString([]byte{byte(now.UnixNano()), 1, 2, 3})
	for _, sql := range []string{
		"CREATE DATABASE " + staleTest + " TEMPLATE template0",
		"CREATE DATABASE " + freshTest + " TEMPLATE template0",
		"CREATE DATABASE " + staleTemplate + " TEMPLATE template0 IS_TEMPLATE true",
		fmt.Sprintf("COMMENT ON DATABASE %s IS 'built_at=%d'", staleTemplate, now.Add(-staleTemplateAge-time.Hour).Unix()),
	} {
		if _, err := h.admin.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, name := range []string{staleTest, freshTest, staleTemplate} {
			_, _ = h.admin.Exec(context.Background(), "ALTER DATABASE "+name+" IS_TEMPLATE false")
			_ = h.databases.Drop(context.Background(), name)
		}
	})

	if _, err := h.sweep(ctx, now); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{staleTest: false, freshTest: true, staleTemplate: false, h.template: true} {
		if got, err := h.databases.Exists(ctx, name); err != nil || got != want {
			t.Errorf("after the sweep, %s exists = %v (%v), want %v", name, got, err, want)
		}
	}
}

// BenchmarkClone measures CREATE DATABASE … TEMPLATE for each strategy the server offers (the drop is not
// timed).
func BenchmarkClone(b *testing.B) {
	h, err := process.get(b.Logf)
	if err != nil {
		b.Fatal(err)
	}
	strategies := []string{""}
	if h.databases.Version() >= 150000 {
		strategies = []string{" STRATEGY FILE_COPY", " STRATEGY WAL_LOG"}
	}
	for _, strategy := range strategies {
		b.Run("strategy="+strings.TrimPrefix(strategy, " STRATEGY "), func(b *testing.B) {
			ctx := context.Background()
			for range b.N {
				name := newTestName(time.Now())
				if _, err := h.admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+h.template+strategy); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := h.databases.Drop(ctx, name); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// BenchmarkTemplateBuild measures building a template: create, migrate with package migrate, publish.
func BenchmarkTemplateBuild(b *testing.B) {
	h, err := process.get(b.Logf)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := range b.N {
		target := fmt.Sprintf("%sbench_%d_%d", templatePrefix, time.Now().Unix(), i)
		if err := h.buildTemplate(ctx, target); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if _, err := h.admin.Exec(ctx, "ALTER DATABASE "+target+" IS_TEMPLATE false"); err != nil {
			b.Fatal(err)
		}
		if err := h.databases.Drop(ctx, target); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
