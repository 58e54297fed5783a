// Package demo gives yapstore's example programs what they need besides yapstore itself: a scratch database
// (on the server DATABASE_URL names, or on a throwaway server started for the run) and a results payload to
// store (generated in the platform's shape, or the platform's own when $YAPSTORE_FIXTURES names it). It keeps
// the examples' main.go files about the store API.
package demo
