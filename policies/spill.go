package policies

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/baseline-scanner/baseline/report"
)

// A large organization's results outgrow memory twice over when both
// their compact form (item) and the report's form are held: an
// evaluator given a spill file (Spill) writes each Add's items there and
// reads them back one group at a time while Evaluation builds the report,
// so that the evaluation holds what it is evaluating and the report what
// it has built, not every result in both forms.
//
// An item is written as uvarints and strings: its control, account,
// status, cause, region, message, resource and finding. The strings that
// repeat across results (regions, messages, finding titles, products,
// control ids, severities and times) are written as their index in the
// evaluator's table of such strings, which stays in memory; the rest
// (resource, finding id) as length and bytes.

// SpillFile is where an evaluator's results wait: written in order,
// read back by offset (an *os.File).
type SpillFile interface {
	io.Writer
	io.ReaderAt
}

// Spill makes v keep the results of each later Add in f until Evaluation
// reads them back. The caller creates f and removes it after Evaluation.
func (v *Evaluator) Spill(f SpillFile) { v.spill = f }

// spilled is where a group's items are in the spill file.
type spilled struct {
	off int64
	n   int // bytes
}

// intern gives s's index in the table of repeated strings.
func (v *Evaluator) intern(s string) uint64 {
	if i, ok := v.strIndex[s]; ok {
		return uint64(i)
	}
	if v.strIndex == nil {
		v.strIndex = map[string]uint32{}
	}
	i := uint32(len(v.strTable))
	v.strTable = append(v.strTable, s)
	v.strIndex[s] = i
	return uint64(i)
}

// spillGroup writes items to the spill file.
func (v *Evaluator) spillGroup(items []item) (spilled, error) {
	buf := v.spillBuf[:0]
	str := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	for i := range items {
		it := &items[i]
		buf = binary.AppendUvarint(buf, uint64(it.control))
		buf = binary.AppendUvarint(buf, uint64(it.account))
		flags := byte(0)
		if it.cause {
			flags |= 1
		}
		if it.finding != nil {
			flags |= 2
			if it.finding.DaysOverdue != nil {
				flags |= 4
			}
		}
		buf = append(buf, it.status, flags)
		buf = binary.AppendUvarint(buf, v.intern(it.region))
		buf = binary.AppendUvarint(buf, v.intern(it.message))
		str(it.resource)
		if f := it.finding; f != nil {
			str(f.ID)
			for _, s := range []string{f.Title, f.Product, f.ControlID, f.Severity, f.FirstObservedAt, f.SLADue} {
				buf = binary.AppendUvarint(buf, v.intern(s))
			}
			buf = binary.AppendVarint(buf, int64(f.SLADays))
			if f.DaysOverdue != nil {
				buf = binary.AppendVarint(buf, int64(*f.DaysOverdue))
			}
		}
	}
	v.spillBuf = buf
	at := v.spillOff
	if _, err := v.spill.Write(buf); err != nil {
		return spilled{}, fmt.Errorf("evaluate: spill results: %w", err)
	}
	v.spillOff += int64(len(buf))
	return spilled{off: at, n: len(buf)}, nil
}

var errSpillCorrupt = errors.New("evaluate: spilled results unreadable")

// loadGroup reads g's count items back from the spill file into items.
func (v *Evaluator) loadGroup(g spilled, count int, items []item) ([]item, error) {
	buf := v.spillBuf
	if cap(buf) < g.n {
		buf = make([]byte, g.n)
	}
	buf = buf[:g.n]
	v.spillBuf = buf
	if _, err := v.spill.ReadAt(buf, g.off); err != nil {
		return nil, fmt.Errorf("evaluate: read spilled results: %w", err)
	}
	bad := false
	uv := func() uint64 {
		x, k := binary.Uvarint(buf)
		if k <= 0 {
			bad = true
			return 0
		}
		buf = buf[k:]
		return x
	}
	sv := func() int64 {
		x, k := binary.Varint(buf)
		if k <= 0 {
			bad = true
			return 0
		}
		buf = buf[k:]
		return x
	}
	tab := func() string {
		i := uv()
		if i >= uint64(len(v.strTable)) {
			bad = true
			return ""
		}
		return v.strTable[i]
	}
	str := func() string {
		n := uv()
		if n > uint64(len(buf)) {
			bad = true
			return ""
		}
		s := string(buf[:n])
		buf = buf[n:]
		return s
	}
	for range count {
		var it item
		it.control, it.account = int32(uv()), int32(uv())
		if len(buf) < 2 {
			return nil, errSpillCorrupt
		}
		it.status, it.cause = buf[0], buf[1]&1 != 0
		flags := buf[1]
		buf = buf[2:]
		it.region, it.message, it.resource = tab(), tab(), str()
		if flags&2 != 0 {
			f := &report.Finding{ID: str()}
			f.Title, f.Product, f.ControlID, f.Severity, f.FirstObservedAt, f.SLADue = tab(), tab(), tab(), tab(), tab(), tab()
			f.SLADays = int(sv())
			if flags&4 != 0 {
				d := int(sv())
				f.DaysOverdue = &d
			}
			it.finding = f
		}
		if bad || int(it.control) >= len(v.ev.engine.controls) || int(it.account) >= len(v.accounts) || int(it.status) >= len(v.statuses) {
			return nil, errSpillCorrupt
		}
		items = append(items, it)
	}
	if len(buf) != 0 {
		return nil, errSpillCorrupt
	}
	return items, nil
}
