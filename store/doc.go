// Package store is yapstore's typed API over the platform's database.
//
// TODO(lead): the package map is written once the API is complete.
package store
