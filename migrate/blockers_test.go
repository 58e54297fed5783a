package migrate

import (
	"strings"
	"testing"
)

// TestShownQuery: a blocking session's statement is shown on one line and shortened, and not at all when it
// may carry a secret.
func TestShownQuery(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ query, want string }{
		{"UPDATE \"Page\"\n   SET page_name = 'x'\tWHERE id = 1", `UPDATE "Page" SET page_name = 'x' WHERE id = 1`},
		{"ALTER ROLE yaptide PASSWORD 'hunter2'", "(hidden: the statement mentions a password or key)"},
		{`UPDATE "KeycloakUser" SET private_key = '-----BEGIN'`, "(hidden: the statement mentions a password or key)"},
		{"SELECT '" + strings.Repeat("a", 300) + "'", "SELECT '" + strings.Repeat("a", 192) + "…"},
	} {
		if got := shownQuery(c.query); got != c.want {
			t.Errorf("shownQuery(%.40q) = %q, want %q", c.query, got, c.want)
		}
	}
}
