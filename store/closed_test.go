package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/yapstore/yapstore/store"
)

// TestNilAndZeroStore calls every exported method of a nil *Store and of a zero Store{}, with plain arguments
// (a context, "x" for text, 1 for numbers, one-element slices, zero structs): none may panic, and each that
// returns an error returns ErrClosed, or ErrInvalid for arguments it refuses before it would reach the
// database. A Batch of either sends nothing and reports ErrClosed.
func TestNilAndZeroStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	errorType := reflect.TypeFor[error]()
	for name, s := range map[string]*store.Store{"nil": nil, "zero": {}} {
		v := reflect.ValueOf(s)
		for i := range v.NumMethod() {
			method := v.Type().Method(i)
			args := make([]reflect.Value, method.Type.NumIn()-1)
			for j := range args {
				in := method.Type.In(j + 1)
				switch {
				case in == reflect.TypeFor[context.Context]():
					args[j] = reflect.ValueOf(ctx)
				case method.Type.IsVariadic() && j == len(args)-1:
					args[j] = reflect.Zero(in)
				case in.Kind() == reflect.Func:
					args[j] = reflect.MakeFunc(in, func([]reflect.Value) []reflect.Value {
						return []reflect.Value{reflect.Zero(errorType)} // a transaction that does nothing
					})
				default:
					args[j] = plainValue(in)
				}
			}
			var out []reflect.Value
			if !assert.NotPanics(t, func() {
				if method.Type.IsVariadic() {
					out = v.Method(i).CallSlice(args)
				} else {
					out = v.Method(i).Call(args)
				}
			}, "%s Store: %s", name, method.Name) {
				continue
			}
			for _, o := range out {
				if o.Type() != errorType {
					continue
				}
				err, _ := o.Interface().(error)
				assert.True(t, errors.Is(err, store.ErrClosed) || errors.Is(err, store.ErrInvalid),
					"%s Store: %s returned %v, want ErrClosed (or ErrInvalid for its zero arguments)", name, method.Name, err)
			}
		}
		b := s.NewPipeline()
		q := b.UpdateTaskProgress(1, 0, store.TaskUpdate{})
		assert.ErrorIs(t, b.Send(ctx), store.ErrClosed, "%s Store: Batch.Send", name)
		_, err := q.Get()
		assert.ErrorIs(t, err, store.ErrClosed, "%s Store: a queued operation", name)
		assert.ErrorIs(t, s.InTx(ctx, nil), store.ErrInvalid, "%s Store: InTx without a function", name)
	}
}

// plainValue returns a value of type typ that a method would send to the database: "x" for text, 1 for
// numbers, a one-element slice of such, the zero value otherwise.
func plainValue(typ reflect.Type) reflect.Value {
	v := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Slice:
		v = reflect.MakeSlice(typ, 1, 1)
		v.Index(0).Set(plainValue(typ.Elem()))
	}
	return v
}
