package cli

import "testing"

func TestSuggest(t *testing.T) {
	t.Parallel()
	names := []string{"list-users", "add-user", "list-simulations", "migrate", "json", "database-url"}
	for typed, want := range map[string]string{
		"list-user": "list-users", "ad-user": "add-user", "migrat": "migrate", "jsn": "json",
		"databse-url": "database-url", "frobnicate": "", "x": "", "list": "",
	} {
		if got := suggest(typed, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", typed, got, want)
		}
	}
	if d := editDistance("kitten", "sitting"); d != 3 {
		t.Errorf("editDistance(kitten, sitting) = %d, want 3", d)
	}
}
