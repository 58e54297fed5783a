//go:build !unix

package pgserver

import "context"

// canShare is false where files cannot be locked: Options.Shared is ignored.
const canShare = false

func startShared(context.Context, string, Options) (*Server, error) {
	panic("pgserver: no shared servers here")
}
