package checks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// A snapshot too large to hold is written one account at a time
// (SnapshotWriter): the same bytes WriteSnapshot writes for the whole
// snapshot, so ReadSnapshot, evaluate and merge read it unchanged.

// EncodeAccount is one account as compact JSON, with its other facts
// under their names, as the snapshot holds it; DecodeAccount reads it back.
func EncodeAccount(a *AccountFacts) ([]byte, error) {
	return json.Marshal(encodableAccount(a))
}

// DecodeAccount reads an account written by EncodeAccount.
func DecodeAccount(data []byte) (AccountFacts, error) {
	var a AccountFacts
	into, done := decodableAccount(&a)
	if err := json.Unmarshal(data, into); err != nil {
		return AccountFacts{}, err
	}
	done()
	return a, nil
}

// encodableAccount is a as a value encoding/json writes with its other
// facts; a itself when it has none.
func encodableAccount(a *AccountFacts) any {
	c := currentCodec()
	if c == nil || len(a.Other) == 0 {
		return a
	}
	v := reflect.New(c.account)
	c.wrap(a, v.Elem())
	return v.Interface()
}

// accountsKey is how WriteSnapshot writes an empty accounts list: the
// key at the first level of indentation, where no string value can put it.
var accountsKey = []byte("\n  \"accounts\": []")

// SnapshotWriter writes a snapshot account by account.
type SnapshotWriter struct {
	w    io.Writer
	tail []byte // what follows the accounts' "[" in the whole document
	n    int
	err  error
}

// NewSnapshotWriter starts writing head (whose Accounts are ignored) to w;
// Account adds each account, in order, and Close ends the document.
func NewSnapshotWriter(w io.Writer, head *Snapshot) (*SnapshotWriter, error) {
	h := *head
	h.Accounts = []AccountFacts{}
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, &h); err != nil {
		return nil, err
	}
	doc := buf.Bytes()
	at := bytes.Index(doc, accountsKey)
	if at < 0 || bytes.Index(doc[at+1:], accountsKey) >= 0 {
		return nil, errors.New("write snapshot: no single accounts list in the encoded head")
	}
	open := at + len(accountsKey) - 1 // the "]" of "[]"
	sw := &SnapshotWriter{w: w, tail: bytes.Clone(doc[open:])}
	if _, err := w.Write(doc[:open]); err != nil {
		return nil, fmt.Errorf("write snapshot: %w", err)
	}
	return sw, nil
}

// Account writes the next account.
func (sw *SnapshotWriter) Account(a *AccountFacts) error {
	if sw.err != nil {
		return sw.err
	}
	data, err := json.MarshalIndent(encodableAccount(a), "    ", "  ")
	if err != nil {
		sw.err = fmt.Errorf("write snapshot: account %s: %w", a.AccountID, err)
		return sw.err
	}
	sep := ",\n    "
	if sw.n == 0 {
		sep = "\n    "
	}
	sw.n++
	if _, err := io.WriteString(sw.w, sep); err != nil {
		sw.err = fmt.Errorf("write snapshot: %w", err)
		return sw.err
	}
	if _, err := sw.w.Write(data); err != nil {
		sw.err = fmt.Errorf("write snapshot: %w", err)
	}
	return sw.err
}

// Close writes the end of the document (the accounts' "]" and what follows).
func (sw *SnapshotWriter) Close() error {
	if sw.err != nil {
		return sw.err
	}
	end := sw.tail
	if sw.n > 0 {
		end = append([]byte("\n  "), end...)
	}
	if _, err := sw.w.Write(end); err != nil {
		sw.err = fmt.Errorf("write snapshot: %w", err)
		return sw.err
	}
	sw.err = errors.New("write snapshot: already closed")
	return nil
}
