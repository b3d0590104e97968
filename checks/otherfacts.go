package checks

import (
	"reflect"
	"strconv"
	"sync"
)

// The facts of services registered with RegisterFacts (AccountFacts.Other)
// travel in the snapshot under the service's name beside AccountFacts'
// fields. Rather than a MarshalJSON/UnmarshalJSON pair on AccountFacts
// (which would lose the file positions of decoding errors, give up
// DisallowUnknownFields, and re-scan a million findings), the snapshot is
// encoded and decoded through a struct type built at run time: AccountFacts'
// fields (copied, not embedded, so that error paths read as before), plus
// one field per registered service, so that encoding/json does all the
// work, strictly, exactly as for a field written in Go.

// otherCodec converts accounts to and from that struct type.
type otherCodec struct {
	names   []string     // registered service names, sorted
	own     []int        // indexes of AccountFacts' fields, but Other, in account
	account reflect.Type // struct{ AccountFacts' fields; F0 T0 `json:"name0,omitempty"`; ... }
	snap    reflect.Type // Snapshot with Accounts []account
}

var (
	codecMu    sync.Mutex
	codecCache *otherCodec
)

// currentCodec is the codec of the registered facts types; nil when none is.
func currentCodec() *otherCodec {
	names, types := registeredFacts()
	if len(names) == 0 {
		return nil
	}
	codecMu.Lock()
	defer codecMu.Unlock()
	if c := codecCache; c != nil && len(c.names) == len(names) {
		return c // registrations are only ever added, never changed
	}
	c := &otherCodec{names: names}
	var fields []reflect.StructField
	for f := range reflect.TypeFor[AccountFacts]().Fields() {
		if f.Type == reflect.TypeFor[OtherFacts]() {
			continue
		}
		c.own = append(c.own, f.Index[0])
		f.Index, f.Offset = nil, 0
		fields = append(fields, f)
	}
	for i, n := range names {
		fields = append(fields, reflect.StructField{
			Name: "F" + strconv.Itoa(i),
			Type: types[i],
			Tag:  reflect.StructTag(`json:"` + n + `,omitempty"`),
		})
	}
	c.account = reflect.StructOf(fields)
	var snapFields []reflect.StructField
	for f := range reflect.TypeFor[Snapshot]().Fields() {
		if f.Name == "Accounts" {
			f.Type = reflect.SliceOf(c.account)
		}
		f.Index, f.Offset = nil, 0
		snapFields = append(snapFields, f)
	}
	c.snap = reflect.StructOf(snapFields)
	codecCache = c
	return c
}

// wrap is acct as a value of the account type.
func (c *otherCodec) wrap(acct *AccountFacts, into reflect.Value) {
	src := reflect.ValueOf(acct).Elem()
	for i, x := range c.own {
		into.Field(i).Set(src.Field(x))
	}
	for i, n := range c.names {
		if f, ok := acct.Other[n]; ok && f != nil {
			into.Field(len(c.own) + i).Set(reflect.ValueOf(f))
		}
	}
}

// unwrap is the account held by a value of the account type.
func (c *otherCodec) unwrap(v reflect.Value) AccountFacts {
	var acct AccountFacts
	dst := reflect.ValueOf(&acct).Elem()
	for i, x := range c.own {
		dst.Field(x).Set(v.Field(i))
	}
	for i, n := range c.names {
		f := v.Field(len(c.own) + i)
		if f.IsNil() {
			continue
		}
		if acct.Other == nil {
			acct.Other = OtherFacts{}
		}
		acct.Other[n] = f.Interface().(Facts)
	}
	return acct
}

// encodable is snap as a value encoding/json writes with every account's
// other facts; snap itself when no account has any.
func encodable(snap *Snapshot) any {
	c := currentCodec()
	if c == nil || !hasOther(snap) {
		return snap
	}
	v := reflect.New(c.snap).Elem()
	src := reflect.ValueOf(snap).Elem()
	for i := range src.NumField() {
		if src.Type().Field(i).Name != "Accounts" {
			v.Field(i).Set(src.Field(i))
			continue
		}
		accts := reflect.MakeSlice(reflect.SliceOf(c.account), len(snap.Accounts), len(snap.Accounts))
		for j := range snap.Accounts {
			c.wrap(&snap.Accounts[j], accts.Index(j))
		}
		if snap.Accounts == nil {
			accts = reflect.Zero(accts.Type())
		}
		v.Field(i).Set(accts)
	}
	return v.Addr().Interface()
}

// decodable returns the value to decode a snapshot into and the function
// that turns it into a Snapshot afterwards.
func decodable() (any, func() Snapshot) {
	c := currentCodec()
	if c == nil {
		var snap Snapshot
		return &snap, func() Snapshot { return snap }
	}
	v := reflect.New(c.snap)
	return v.Interface(), func() Snapshot {
		var snap Snapshot
		dst := reflect.ValueOf(&snap).Elem()
		src := v.Elem()
		for i := range src.NumField() {
			if dst.Type().Field(i).Name != "Accounts" {
				dst.Field(i).Set(src.Field(i))
				continue
			}
			accts := src.Field(i)
			if accts.IsNil() {
				continue
			}
			snap.Accounts = make([]AccountFacts, accts.Len())
			for j := range snap.Accounts {
				snap.Accounts[j] = c.unwrap(accts.Index(j))
			}
		}
		return snap
	}
}

// decodableAccount is decodable for one account.
func decodableAccount(dst *AccountFacts) (any, func()) {
	c := currentCodec()
	if c == nil {
		return dst, func() {}
	}
	v := reflect.New(c.account)
	return v.Interface(), func() { *dst = c.unwrap(v.Elem()) }
}

func hasOther(snap *Snapshot) bool {
	for i := range snap.Accounts {
		if len(snap.Accounts[i].Other) > 0 {
			return true
		}
	}
	return false
}
