package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// writeHelp prints the help of the command at the end of path: usage line, description, subcommands by
// section, flags and examples.
func writeHelp(w io.Writer, path []*Command, fs *FlagSet) {
	cmd := path[len(path)-1]
	name := pathName(path)
	var b strings.Builder

	switch {
	case len(cmd.Commands) > 0:
		fmt.Fprintf(&b, "Usage: %s COMMAND [ARGUMENTS] [flags]\n", name)
	case cmd.Usage != "":
		fmt.Fprintf(&b, "Usage: %s %s [flags]\n", name, cmd.Usage)
	default:
		fmt.Fprintf(&b, "Usage: %s [flags]\n", name)
	}
	if cmd.Summary != "" {
		fmt.Fprintf(&b, "\n%s\n", cmd.Summary)
	}
	if cmd.Description != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(cmd.Description))
	}
	if len(cmd.Commands) > 0 {
		writeCommandList(&b, cmd)
	}
	if len(fs.docs) > 0 {
		heading := "Flags:"
		if len(path) == 1 {
			heading = "Flags (given before or after the command name):"
		}
		fmt.Fprintf(&b, "\n%s\n", heading)
		writeFlagList(&b, fs)
	}
	if len(cmd.Examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, ex := range cmd.Examples {
			fmt.Fprintf(&b, "  %s\n", ex)
		}
	}
	if len(cmd.Commands) > 0 {
		fmt.Fprintf(&b, "\nRun '%s COMMAND --help' for a command's arguments, flags and examples.\n", name)
	}
	io.WriteString(w, b.String())
}

// writeCommandList lists cmd's subcommands under their sections, in the order they were declared.
func writeCommandList(b *strings.Builder, cmd *Command) {
	var sections []string
	bySection := map[string][]*Command{}
	for _, sub := range cmd.Commands {
		if _, seen := bySection[sub.Section]; !seen {
			sections = append(sections, sub.Section)
		}
		bySection[sub.Section] = append(bySection[sub.Section], sub)
	}
	synopsis := func(sub *Command) string {
		switch {
		case len(sub.Commands) > 0:
			names := make([]string, len(sub.Commands))
			for i, c := range sub.Commands {
				names[i] = c.Name
			}
			return sub.Name + " " + strings.Join(names, "|")
		case sub.Usage != "":
			return sub.Name + " " + sub.Usage
		}
		return sub.Name
	}
	// One width for every section, so that the summaries line up across the whole list.
	width := 0
	for _, sub := range cmd.Commands {
		width = max(width, len(synopsis(sub)))
	}
	for _, section := range sections {
		heading := section
		if heading == "" {
			heading = "Commands"
		}
		fmt.Fprintf(b, "\n%s:\n", heading)
		for _, sub := range bySection[section] {
			fmt.Fprintf(b, "  %-*s   %s\n", width, synopsis(sub), sub.Summary)
		}
	}
}

// writeFlagList lists the flags of fs with their spellings and what they do.
func writeFlagList(b *strings.Builder, fs *FlagSet) {
	tw := tabwriter.NewWriter(b, 0, 0, 3, ' ', 0)
	for _, d := range fs.docs {
		spellings := make([]string, len(d.names))
		for i, n := range d.names {
			if len(n) == 1 {
				spellings[i] = "-" + n
			} else {
				spellings[i] = "--" + n
			}
		}
		text := strings.Join(spellings, ", ")
		if d.metavar != "" {
			text += " " + d.metavar
		}
		fmt.Fprintf(tw, "  %s\t%s\n", text, d.usage)
	}
	tw.Flush()
}
