package store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

func TestParsePageSpec(t *testing.T) {
	t.Parallel()
	valid := map[string][]int32{
		"0":          {0},
		"5":          {5},
		"1-3,5":      {1, 2, 3, 5},
		"3,1-2,2":    {1, 2, 3},
		"7-7":        {7},
		"10-12,0,11": {0, 10, 11, 12},
		"1-2,3-4":    {1, 2, 3, 4},
		"007":        {7},
		"2147483647": {2147483647},
		"2147483640-2147483647": {2147483640, 2147483641, 2147483642, 2147483643, 2147483644, 2147483645,
			2147483646, 2147483647},
		"0-9999": nil, // checked by length below
	}
	for spec, want := range valid {
		got, err := store.ParsePageSpec(spec)
		require.NoError(t, err, spec)
		if spec == "0-9999" {
			assert.Len(t, got, store.MaxPageSpecPages)
			assert.Equal(t, int32(9999), got[len(got)-1])
			continue
		}
		assert.Equal(t, want, got, spec)
	}

	invalid := map[string]string{
		"":                               "empty",
		",":                              "empty part",
		"1,":                             "empty part",
		",1":                             "empty part",
		"1,,2":                           "empty part",
		"-1":                             "negative",
		"1--2":                           "negative",
		"-":                              "negative",
		"3-1":                            "reversed",
		"1-":                             "empty number",
		"1-2-3":                          "digits only",
		"a":                              "digits only",
		"1a":                             "digits only",
		" 1":                             "digits only",
		"1 ":                             "digits only",
		"1, 2":                           "digits only",
		"+1":                             "digits only",
		"1.5":                            "digits only",
		"0x10":                           "digits only",
		"1e3":                            "digits only",
		"1_000":                          "digits only",
		"١":                              "digits only", // an Arabic-Indic digit
		"2147483648":                     "too large",
		"99999999999999999999":           "too large",
		"0-2147483647":                   "more than",
		"0-10000":                        "more than",
		"0-5000,6000-11000":              "more than",
		strings.Repeat("1,", 3000) + "1": "longer than",
	}
	for spec, reason := range invalid {
		got, err := store.ParsePageSpec(spec)
		require.Error(t, err, "%q gave %v", spec, got)
		assert.ErrorIs(t, err, store.ErrInvalid, spec)
		var pe *store.PageSpecError
		require.ErrorAs(t, err, &pe, spec)
		assert.Contains(t, pe.Error(), reason, spec)
		assert.Nil(t, got)
	}
}

func TestFormatPageSpec(t *testing.T) {
	t.Parallel()
	cases := map[string][]int32{
		"0":          {0},
		"1-3,5":      {5, 1, 2, 3},
		"1-3":        {3, 2, 1, 2},
		"0,2,4":      {4, 2, 0},
		"2147483647": {2147483647},
	}
	for want, pages := range cases {
		got, err := store.FormatPageSpec(pages)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := store.FormatPageSpec(nil)
	assert.ErrorIs(t, err, store.ErrInvalid)
	_, err = store.FormatPageSpec([]int32{1, -1})
	assert.ErrorIs(t, err, store.ErrInvalid)
}

// FuzzParsePageSpec checks that the parser never panics, that what it accepts is sorted, distinct, within
// bounds and made only of digits, commas and hyphens, that formatting and parsing again gives the same pages,
// and that what it refuses is always an ErrInvalid *PageSpecError.
func FuzzParsePageSpec(f *testing.F) {
	for _, seed := range []string{"1-3,5", "0", "3,1-2,2", "", ",", "-1", "3-1", "1--2", "2147483648", "0-9999",
		"0-10000", "1 ,2", "١", "007", "1-2-3", "\x00", "9-9,8-8,0-3"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		pages, err := store.ParsePageSpec(spec)
		if err != nil {
			var pe *store.PageSpecError
			if !errors.Is(err, store.ErrInvalid) || !errors.As(err, &pe) {
				t.Fatalf("%q: error %v is not an ErrInvalid *PageSpecError", spec, err)
			}
			if pages != nil {
				t.Fatalf("%q: pages %v with an error", spec, pages)
			}
			return
		}
		if strings.Trim(spec, "0123456789,-") != "" {
			t.Fatalf("%q accepted with characters other than digits, ',' and '-'", spec)
		}
		if len(pages) == 0 || len(pages) > store.MaxPageSpecPages {
			t.Fatalf("%q: %d pages", spec, len(pages))
		}
		if pages[0] < 0 || !slices.IsSorted(pages) || len(slices.Compact(slices.Clone(pages))) != len(pages) {
			t.Fatalf("%q: pages %v not sorted, distinct and non-negative", spec, pages)
		}
		text, err := store.FormatPageSpec(pages)
		if err != nil {
			t.Fatalf("%q: format %v: %v", spec, pages, err)
		}
		again, err := store.ParsePageSpec(text)
		if err != nil || !slices.Equal(pages, again) {
			t.Fatalf("%q: formatted as %q, parsed again as %v, %v", spec, text, again, err)
		}
	})
}
