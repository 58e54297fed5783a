package cli

import (
	"strings"
)

// resolve walks args down the command tree from root: every argument that is not a flag names a
// subcommand until a command without subcommands is reached. It returns the path from root to that command
// and every other argument (flags given before the command name included), in order, for its FlagSet.
func resolve(root *Command, args []string) (path []*Command, rest []string, err error) {
	path = []*Command{root}
	cur := root
	i := 0
	for i < len(args) && len(cur.Commands) > 0 {
		a := args[i]
		if a == "--" {
			break
		}
		if isFlag(a) {
			rest = append(rest, a)
			if globalTakesValue(a) && i+1 < len(args) {
				rest = append(rest, args[i+1])
				i++
			}
			i++
			continue
		}
		sub := cur.find(a)
		if sub == nil {
			return path, nil, usagef("unknown command %q%s", a, didYouMean(strings.ReplaceAll(a, "_", "-"), "", cur.commandNames()))
		}
		cur = sub
		path = append(path, sub)
		i++
	}
	return path, append(rest, args[i:]...), nil
}

// isFlag reports whether the flag package would read a as a flag: a dash followed by something.
func isFlag(a string) bool { return len(a) > 1 && a[0] == '-' }

// globalTakesValue reports whether a is a shared flag whose value is the next argument. Shared flags may
// come before the command name, so resolve must know to skip their values.
func globalTakesValue(a string) bool {
	switch strings.TrimLeft(a, "-") {
	case "database-url", "database_url":
		return true
	}
	return false
}

// parse parses args with the command's flags and returns the positional arguments. Unlike flag.Parse it
// does not stop at the first positional argument: flags may come before, between and after them
// ("remove-user alice YaptideUser --cascade"). A "--" ends the flags; everything after it is positional.
func (f *FlagSet) parse(args []string) ([]string, error) {
	var positional []string
	for {
		terminated := f.endsWithTerminator(args)
		if err := f.set.Parse(args); err != nil {
			return nil, err
		}
		rest := f.set.Args()
		if terminated || len(rest) == 0 {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// endsWithTerminator reports whether flag.Parse, given args, will stop at a "--" (which it consumes) rather
// than at a positional argument or the end. It follows the flag package's rules: a flag that takes a value
// and is written without "=" consumes the next argument, whatever that argument looks like.
func (f *FlagSet) endsWithTerminator(args []string) bool {
	for i := 0; i < len(args); {
		a := args[i]
		if !isFlag(a) {
			return false
		}
		if a == "--" {
			return true
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if !strings.Contains(name, "=") && f.takesValue(name) {
			i += 2
		} else {
			i++
		}
	}
	return false
}
