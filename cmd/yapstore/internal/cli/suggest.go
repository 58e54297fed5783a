package cli

import (
	"flag"
	"strings"
)

// suggest returns the candidate closest to typed when it is near enough to be a typo (an edit distance of at
// most a third of the longer word, and at most 3), or "".
func suggest(typed string, candidates []string) string {
	best, bestDistance := "", 4
	for _, c := range candidates {
		d := editDistance(strings.ToLower(typed), strings.ToLower(c))
		if d < bestDistance && 3*d <= max(len(typed), len(c)) {
			best, bestDistance = c, d
		}
	}
	return best
}

// didYouMean returns " (did you mean X?)" for the suggestion, or "".
func didYouMean(typed, prefix string, candidates []string) string {
	if s := suggest(typed, candidates); s != "" {
		return " (did you mean " + prefix + s + "?)"
	}
	return ""
}

// commandNames returns the names of c's subcommands.
func (c *Command) commandNames() []string {
	names := make([]string, len(c.Commands))
	for i, sub := range c.Commands {
		names[i] = sub.Name
	}
	return names
}

// flagNames returns every name the set accepts, long and short.
func (f *FlagSet) flagNames() []string {
	var names []string
	f.set.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
	return names
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
