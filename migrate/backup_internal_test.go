package migrate

import "testing"

// TestURLWithoutPassword checks that pg_dump never gets the password on its command line.
func TestURLWithoutPassword(t *testing.T) {
	for _, tc := range []struct {
		in, dbname, password string
		ok                   bool
	}{
		{"postgres://ann:s3cret@db:5432/yaptide?sslmode=disable", "postgres://ann@db:5432/yaptide?sslmode=disable", "s3cret", true},
		{"postgresql://ann@db/yaptide", "postgresql://ann@db/yaptide", "", true},
		{"postgres://db/yaptide", "postgres://db/yaptide", "", true},
		{"host=db user=ann password=s3cret", "", "", false},
		{"", "", "", false},
	} {
		dbname, password, ok := urlWithoutPassword(tc.in)
		if dbname != tc.dbname || password != tc.password || ok != tc.ok {
			t.Errorf("urlWithoutPassword(%q) = %q, %q, %v; want %q, %q, %v", tc.in, dbname, password, ok,
				tc.dbname, tc.password, tc.ok)
		}
	}
}
