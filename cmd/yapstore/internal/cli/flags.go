package cli

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// FlagSet is a command's flags: a standard flag.FlagSet in which one flag can have several spellings
// (--sim_id and --sim-id, -v and --verbose), plus the text its help shows. Go's flag package accepts one or
// two dashes before any name, so "-password" and "--password" are the same flag.
type FlagSet struct {
	set  *flag.FlagSet
	docs []flagDoc
}

// flagDoc is one line of the help's flag list.
type flagDoc struct {
	names   []string // the first is the canonical spelling
	metavar string   // "" for flags that take no value
	usage   string
}

func newFlagSet(name string) *FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(discard{})
	fs.Usage = func() {}
	return &FlagSet{set: fs}
}

// discard swallows the flag package's own messages: Main reports parse errors itself.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// register adds value under every name in the comma-separated list names and records its help line. Each
// name with a dash or an underscore is also registered, without a help line, with the other character
// (--sim_id and --sim-id, --auth-provider and --auth_provider), so operators can type either.
func (f *FlagSet) register(value flag.Value, names, metavar, usage string) {
	list := strings.Split(names, ",")
	for i, n := range list {
		n = strings.TrimSpace(n)
		list[i] = n
		f.set.Var(value, n, usage)
		for _, twin := range []string{strings.ReplaceAll(n, "-", "_"), strings.ReplaceAll(n, "_", "-")} {
			if twin != n && f.set.Lookup(twin) == nil {
				f.set.Var(value, twin, usage)
			}
		}
	}
	f.docs = append(f.docs, flagDoc{names: list, metavar: metavar, usage: usage})
}

// hidden adds value under name without a help line, for spellings such as -vv.
func (f *FlagSet) hidden(value flag.Value, name string) { f.set.Var(value, name, "") }

// BoolVar defines a flag that takes no value and sets *p to true. names is a comma-separated list of
// spellings, the first shown in help.
func (f *FlagSet) BoolVar(p *bool, names, usage string) {
	f.register((*boolValue)(p), names, "", usage)
}

// StringVar defines a flag that stores its value in *p. metavar names the value in help ("URL").
func (f *FlagSet) StringVar(p *string, names, metavar, usage string) {
	f.register((*stringValue)(p), names, metavar, usage)
}

// OptionalStringVar defines a flag that points *p at its value once given, so that a flag given with an
// empty value ("--password ”") can be told from a flag not given (*p stays nil).
func (f *FlagSet) OptionalStringVar(p **string, names, metavar, usage string) {
	f.register(&optionalString{p: p}, names, metavar, usage)
}

// OptionalInt32Var defines a flag that points *p at its value, a 32-bit integer, once given; *p stays nil
// when the flag is not given. A value that is not such an integer is a usage error.
func (f *FlagSet) OptionalInt32Var(p **int32, names, metavar, usage string) {
	f.register(&optionalInt32{p: p}, names, metavar, usage)
}

// CountVar defines a flag that takes no value and adds one to *p each time it is given, like -v -v.
func (f *FlagSet) CountVar(p *int, names, usage string) {
	f.register(&countValue{p: p, step: 1}, names, "", usage)
}

type boolValue bool

func (b *boolValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	*b = boolValue(v)
	return nil
}
func (b *boolValue) String() string   { return strconv.FormatBool(bool(*b)) }
func (b *boolValue) IsBoolFlag() bool { return true }

type stringValue string

func (s *stringValue) Set(v string) error { *s = stringValue(v); return nil }
func (s *stringValue) String() string     { return string(*s) }

type optionalString struct{ p **string }

func (o *optionalString) Set(v string) error { *o.p = &v; return nil }
func (o *optionalString) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return **o.p
}

type optionalInt32 struct{ p **int32 }

func (o *optionalInt32) Set(v string) error {
	n, err := strconv.ParseInt(v, 10, 32)
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("out of range")
	}
	if err != nil {
		return fmt.Errorf("want a whole number")
	}
	v32 := int32(n)
	*o.p = &v32
	return nil
}
func (o *optionalInt32) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return strconv.Itoa(int(**o.p))
}

// countValue adds step to *p each time the flag is given; it takes no value.
type countValue struct {
	p    *int
	step int
}

func (c *countValue) Set(v string) error {
	ok, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("takes no value")
	}
	if ok {
		*c.p += c.step
	}
	return nil
}
func (c *countValue) String() string {
	if c.p == nil {
		return "0"
	}
	return strconv.Itoa(*c.p)
}
func (c *countValue) IsBoolFlag() bool { return true }

// takesValue reports whether the flag spelled name (without dashes) consumes the next argument as its value.
func (f *FlagSet) takesValue(name string) bool {
	fl := f.set.Lookup(name)
	if fl == nil {
		return false
	}
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}
