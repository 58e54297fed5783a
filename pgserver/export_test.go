package pgserver

// SharedApart returns opts asking for a shared local server of its own, named by key, apart from the one
// other processes share: tests that stop a shared server must not stop the one other test binaries use.
func SharedApart(opts Options, key string) Options {
	opts.Shared, opts.sharedKey = true, key
	return opts
}
