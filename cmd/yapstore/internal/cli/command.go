package cli

import (
	"context"
	"strings"
)

// Command describes one command of the program, or a group of subcommands. The program's root is a Command
// too: its Commands are the top-level commands. Build Commands in a function that returns a fresh tree for
// each run, so that the variables flags write to belong to that run only.
type Command struct {
	// Name is what the operator types, such as "list-users" or "diagram" (under the group "schema").
	// Underscores typed instead of dashes are accepted too ("list_users").
	Name string

	// Section is the heading the command is listed under in its parent's help, such as "Users".
	Section string

	// Usage is the synopsis of the positional arguments, such as "NAME AUTH_PROVIDER"; a word in brackets
	// is optional. The words also name missing arguments in error messages.
	Usage string

	// MinArgs and MaxArgs bound the number of positional arguments; MaxArgs below zero means no limit.
	MinArgs, MaxArgs int

	// Summary is the one-line description shown in the parent's command list.
	Summary string

	// Description is the body of the command's help, in paragraphs separated by blank lines.
	Description string

	// Examples are command lines shown at the end of the help.
	Examples []string

	// Flags registers the command's own flags. It may be nil.
	Flags func(fs *FlagSet)

	// Database makes Main add --database-url to the command's flags.
	Database bool

	// JSON makes Main add --json to the command's flags; Env.JSON reports it.
	JSON bool

	// Confirm makes Main add --yes to the command's flags, for Env.Confirm: the command deletes more than one
	// row and asks first.
	Confirm bool

	// Run runs the command. A returned *UsageError exits with code 2 and points to the help; any other error
	// exits with code 1 after one line on standard error. A group leaves Run nil.
	Run func(ctx context.Context, env *Env) error

	// Commands are the subcommands of a group, or the top-level commands of the root.
	Commands []*Command
}

// find returns the subcommand named name, accepting underscores for dashes, or nil.
func (c *Command) find(name string) *Command {
	name = strings.ReplaceAll(name, "_", "-")
	for _, sub := range c.Commands {
		if sub.Name == name {
			return sub
		}
	}
	return nil
}

// argNames returns the words of Usage without brackets, to name missing arguments.
func (c *Command) argNames() []string {
	words := strings.Fields(c.Usage)
	for i, w := range words {
		words[i] = strings.Trim(w, "[].")
	}
	return words
}
