package policies

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/baseline-scanner/baseline/checks"
)

// inputValue is the Rego input of one account: checks.PolicyInput, converted
// straight from the Go values to an ast.Value with encoding/json's field
// names and rules (omitempty, null for nil, RFC 3339 times). It gives the
// same value as encoding and decoding JSON (a test holds the two equal) at a
// fraction of the cost, which matters with a million findings.
func inputValue(collectedAt time.Time, acct *checks.AccountFacts) (ast.Value, error) {
	in := checks.PolicyInput{CollectedAt: collectedAt, AccountFacts: acct}
	return astValue(reflect.ValueOf(in))
}

// astValue converts a Go value to Rego, with the encoder of its type.
func astValue(v reflect.Value) (val ast.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("encode policy input: %v", r)
		}
	}()
	return encoderOf(v.Type())(v).Value, nil
}

type encoder func(reflect.Value) *ast.Term

var (
	encoders   sync.Map // reflect.Type → encoder, complete ones only
	encodersMu sync.Mutex
	building   = map[reflect.Type]bool{} // under encodersMu
)

// encoderOf returns the encoder of a type, building it once. Input types
// are not recursive; one that is would be a panic, not a loop.
func encoderOf(t reflect.Type) encoder {
	if e, ok := encoders.Load(t); ok {
		return e.(encoder)
	}
	encodersMu.Lock()
	defer encodersMu.Unlock()
	return encoderLocked(t)
}

func encoderLocked(t reflect.Type) encoder {
	if e, ok := encoders.Load(t); ok {
		return e.(encoder)
	}
	if building[t] {
		panic("recursive type " + t.String() + " in policy input")
	}
	building[t] = true
	defer delete(building, t)
	e := newEncoder(t)
	encoders.Store(t, e)
	return e
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

func newEncoder(t reflect.Type) encoder {
	if t == timeType {
		return func(v reflect.Value) *ast.Term {
			return ast.StringTerm(v.Interface().(time.Time).Format(time.RFC3339Nano))
		}
	}
	if t.Kind() != reflect.Pointer && (t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType)) {
		panic("type " + t.String() + " has its own JSON encoding; teach inputValue about it")
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := encoderLocked(t.Elem())
		return func(v reflect.Value) *ast.Term {
			if v.IsNil() {
				return ast.NullTerm()
			}
			return elem(v.Elem())
		}
	case reflect.String:
		return func(v reflect.Value) *ast.Term { return ast.StringTerm(v.String()) }
	case reflect.Bool:
		return func(v reflect.Value) *ast.Term { return ast.BooleanTerm(v.Bool()) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) *ast.Term { return ast.IntNumberTerm(int(v.Int())) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(v reflect.Value) *ast.Term {
			return ast.NumberTerm(json.Number(strconv.FormatUint(v.Uint(), 10)))
		}
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return func(v reflect.Value) *ast.Term {
			f := v.Float()
			if math.IsNaN(f) || math.IsInf(f, 0) {
				panic(fmt.Sprintf("unsupported value %v", f))
			}
			// encoding/json's float format, so that the value is the same
			// whichever way the input was built.
			var b []byte
			if bits == 32 {
				b, _ = json.Marshal(float32(f))
			} else {
				b, _ = json.Marshal(f)
			}
			return ast.NumberTerm(json.Number(b))
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			panic("[]byte in policy input")
		}
		elem := encoderLocked(t.Elem())
		return func(v reflect.Value) *ast.Term {
			if v.IsNil() {
				return ast.NullTerm()
			}
			terms := make([]*ast.Term, v.Len())
			for i := range terms {
				terms[i] = elem(v.Index(i))
			}
			return ast.ArrayTerm(terms...)
		}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic("map key " + t.Key().String() + " in policy input")
		}
		elem := encoderLocked(t.Elem())
		return func(v reflect.Value) *ast.Term {
			if v.IsNil() {
				return ast.NullTerm()
			}
			pairs := make([][2]*ast.Term, 0, v.Len())
			for it := v.MapRange(); it.Next(); {
				pairs = append(pairs, [2]*ast.Term{ast.StringTerm(it.Key().String()), elem(it.Value())})
			}
			return ast.ObjectTerm(pairs...)
		}
	case reflect.Struct:
		return structEncoder(t)
	}
	panic("unsupported type " + t.String() + " in policy input")
}

// field is one JSON field of a struct, found through index (embedded
// structs promote their fields, as in encoding/json).
type field struct {
	index     []int
	key       *ast.Term
	omitEmpty bool
	encode    encoder
}

var otherFactsType = reflect.TypeFor[checks.OtherFacts]()

func structEncoder(t reflect.Type) encoder {
	var fields []field
	var other []int // index of checks.AccountFacts.Other, when t has it
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Type == otherFactsType {
				// The facts of services outside AccountFacts' fields
				// appear under their names, as in the snapshot.
				other = append(append([]int(nil), index...), i)
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), index...), i)
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, idx)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			fields = append(fields, field{
				index:     idx,
				key:       ast.StringTerm(name),
				omitEmpty: strings.Contains(opts, "omitempty"),
				encode:    encoderLocked(f.Type),
			})
		}
	}
	walk(t, nil)
	return func(v reflect.Value) *ast.Term {
		pairs := make([][2]*ast.Term, 0, len(fields))
		for _, f := range fields {
			fv, ok := fieldByIndex(v, f.index)
			if !ok || (f.omitEmpty && isEmpty(fv)) {
				continue
			}
			pairs = append(pairs, [2]*ast.Term{f.key, f.encode(fv)})
		}
		if other != nil {
			if ov, ok := fieldByIndex(v, other); ok {
				for name, facts := range ov.Interface().(checks.OtherFacts) {
					if facts == nil {
						continue
					}
					fv := reflect.ValueOf(facts)
					pairs = append(pairs, [2]*ast.Term{ast.StringTerm(name), encoderOf(fv.Type())(fv)})
				}
			}
		}
		return ast.ObjectTerm(pairs...)
	}
}

// fieldByIndex is v.FieldByIndex, false when it passes a nil embedded pointer.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
