package dburl

import (
	"strings"
	"testing"
)

// TestRedact covers every form a password takes in a connection string, and the ones that do not parse: no
// password may survive, and nothing past the scheme of a URL that cannot be read may be shown.
func TestRedact(t *testing.T) {
	t.Parallel()
	const pw = "S3cr3tPw"
	for in, want := range map[string]string{
		"postgres://u:" + pw + "@h:5432/db":                  "postgres://u:xxxxx@h:5432/db",
		"postgresql://u:" + pw + "@h/db?sslmode=disable":     "postgresql://u:xxxxx@h/db?sslmode=disable",
		"postgres://u@h/db?password=" + pw + "&x=1":          "postgres://u@h/db?password=xxxxx&x=1",
		"postgres://u@h/db?PASSWORD=" + pw:                   "postgres://u@h/db?PASSWORD=xxxxx",
		"host=h user=u password=" + pw + " dbname=db":        "host=h user=u password=xxxxx dbname=db",
		"host=h password = '" + pw + " with space' dbname=d": "host=h password = xxxxx dbname=d",
		"postgres://u@h/db":                                  "postgres://u@h/db",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{
		"postgres://yaptide:" + pw + "@127.0.0.1:notaport/db", // a bad port
		"postgres://yaptide:12/" + pw + "@127.0.0.1/db",       // an unencoded '/' in the password
		"postgres://yaptide:" + pw + "%zz@127.0.0.1/db",       // a bad %-escape
		"postgres://yaptide:" + pw + "#x@127.0.0.1/db",        // a '#' in the password
		"postgres://yaptide:" + pw + "?x@127.0.0.1/db",        // a '?' in the password
		"postgres://yaptide:1234/" + pw + "@127.0.0.1/db",     // the password's head reads as a port
	} {
		got := Redact(in)
		if strings.Contains(got, pw) || strings.Contains(got, "1234") || strings.Contains(got, "127.0.0.1") {
			t.Errorf("Redact(%q) = %q shows what it cannot know is not the password", in, got)
		}
		if !strings.HasPrefix(got, "postgres://(") {
			t.Errorf("Redact(%q) = %q, want the scheme and a note", in, got)
		}
	}
}

// TestClientEnv reads the password from every form into PGPASSWORD and never onto anything else.
func TestClientEnv(t *testing.T) {
	t.Parallel()
	const pw = "S3cr3tPw"
	for _, in := range []string{
		"postgres://u:" + pw + "@h:5433/db?sslmode=disable",
		"postgres://u@h:5433/db?sslmode=disable&password=" + pw,
		"host=h port=5433 user=u dbname=db sslmode=disable password=" + pw,
	} {
		env, err := ClientEnv(in)
		if err != nil {
			t.Fatalf("ClientEnv(%q): %v", in, err)
		}
		got := strings.Join(env, " ")
		want := "PGHOST=h PGPORT=5433 PGUSER=u PGDATABASE=db PGPASSWORD=" + pw + " PGSSLMODE=disable"
		if got != want {
			t.Errorf("ClientEnv(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := ClientEnv("postgres://u:" + pw + "@h:notaport/db"); err == nil || strings.Contains(err.Error(), pw) {
		t.Errorf("ClientEnv of a bad URL: %v", err)
	}
	merged := strings.Join(WithEnv([]string{"PATH=/bin", "PGPASSWORD=old", "PGSERVICE=x", "PGCONNECT_TIMEOUT=5"},
		[]string{"PGPASSWORD=new"}), " ")
	if merged != "PATH=/bin PGCONNECT_TIMEOUT=5 PGPASSWORD=new" {
		t.Errorf("WithEnv = %q", merged)
	}
}
