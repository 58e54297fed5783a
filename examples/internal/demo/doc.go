// Package demo gives yapstore's example programs what they need besides yapstore itself: a scratch database
// (on the server DATABASE_URL names, or on a throwaway server started for the run) and a results payload to
// store (the shared fixture when it is at hand, else a small one made up in the same shape). It keeps the
// examples' main.go files about the store API.
package demo
