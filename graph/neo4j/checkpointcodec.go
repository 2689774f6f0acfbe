package neo4j

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/nexohq/nexo/graph"
)

// The checkpoint encoding: two sections, numbers (varints) and the bytes of
// every string one after the other, the numbers giving each string's length.
// Decoding makes one Go string of the second section and slices it, so a
// snapshot of a million ties decodes in a few hundred milliseconds with a
// handful of allocations (gob took seconds). People are referred to by
// index; events are stored, not derived again.

type encoder struct {
	nums []byte
	strs []byte
}

func (e *encoder) uint(v uint64) { e.nums = binary.AppendUvarint(e.nums, v) }
func (e *encoder) int(v int64)   { e.nums = binary.AppendVarint(e.nums, v) }
func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.strs = append(e.strs, s...)
}

func (e *encoder) strs_(l []string) {
	e.uint(uint64(len(l)))
	for _, s := range l {
		e.str(s)
	}
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// encodeSnapshot encodes a canonical snapshot: interactions in id order,
// events in interaction order.
func encodeSnapshot(s *graph.Snapshot) []byte {
	e := &encoder{}
	e.uint(s.Version)
	e.uint(uint64(len(s.People)))
	for i := range s.People {
		p := &s.People[i]
		e.str(p.ID)
		e.str(p.Name)
		e.str(p.Title)
		e.str(p.Location)
		e.strs_(p.Tags)
		e.strs_(p.Skills)
		e.strs_(p.Needs)
		e.uint(uint64(len(p.Jobs)))
		for _, j := range p.Jobs {
			e.str(j.ID)
			e.uint(uint64(j.Org))
			e.str(j.Title)
			e.int(j.Start)
			e.int(j.End)
		}
	}
	e.uint(uint64(len(s.Organizations)))
	for _, o := range s.Organizations {
		e.str(o.ID)
		e.str(o.Name)
		e.str(o.Domain)
	}
	e.uint(uint64(len(s.Ties)))
	for _, t := range s.Ties {
		e.uint(uint64(t.A))
		e.uint(uint64(t.B))
		e.int(t.Since)
		e.str(string(t.Source))
		e.uint(math.Float64bits(t.Override))
		e.str(t.Context)
	}
	e.uint(uint64(len(s.Interactions)))
	for i := range s.Interactions {
		in := &s.Interactions[i]
		e.str(in.ID)
		e.int(in.At)
		e.str(string(in.Kind))
		e.uint(boolBit(in.Captured))
		e.uint(uint64(s.Index(in.Initiator) + 1))
		e.uint(uint64(len(in.People)))
		for _, p := range in.People {
			e.uint(uint64(s.Index(p)))
		}
	}
	e.uint(uint64(len(s.Events)))
	for _, ev := range s.Events {
		e.uint(uint64(ev.Tie))
		e.uint(uint64(ev.Interaction))
		e.uint(uint64(ev.Initiator))
	}
	e.uint(uint64(len(s.Members)))
	for _, m := range s.Members {
		e.str(m.UserID)
		e.int(int64(m.Person))
	}
	out := binary.AppendUvarint(nil, uint64(len(e.nums)))
	out = append(out, e.nums...)
	return append(out, e.strs...)
}

var errCorrupt = errors.New("corrupt checkpoint")

type decoder struct {
	nums []byte
	strs string
	err  error
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.nums)
	if n <= 0 {
		d.err, d.nums = errCorrupt, nil
		return 0
	}
	d.nums = d.nums[n:]
	return v
}

func (d *decoder) int() int64 {
	v, n := binary.Varint(d.nums)
	if n <= 0 {
		d.err, d.nums = errCorrupt, nil
		return 0
	}
	d.nums = d.nums[n:]
	return v
}

// count reads a length, bounded by what is left to read.
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.nums)+len(d.strs)) {
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.uint()
	if n > uint64(len(d.strs)) {
		d.err = errCorrupt
		return ""
	}
	s := d.strs[:n]
	d.strs = d.strs[n:]
	return s
}

func (d *decoder) strList() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = d.str()
	}
	return l
}

// index reads a person or organisation index below n.
func (d *decoder) index(n int) int32 {
	v := d.uint()
	if v >= uint64(n) {
		d.err = errCorrupt
		return 0
	}
	return int32(v)
}

// decodeSnapshot decodes what encodeSnapshot wrote.
func decodeSnapshot(b []byte) (*graph.Snapshot, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, errCorrupt
	}
	d := &decoder{nums: b[k : k+int(n)], strs: string(b[k+int(n):])}
	s := &graph.Snapshot{Version: d.uint()}
	s.People = make([]graph.SnapPerson, d.count())
	for i := range s.People {
		p := &s.People[i]
		p.ID, p.Name, p.Title, p.Location = d.str(), d.str(), d.str(), d.str()
		p.Tags, p.Skills, p.Needs = d.strList(), d.strList(), d.strList()
		if nj := d.count(); nj > 0 {
			p.Jobs = make([]graph.SnapJob, nj)
			for j := range p.Jobs {
				p.Jobs[j] = graph.SnapJob{ID: d.str(), Org: int32(d.uint()), Title: d.str(), Start: d.int(), End: d.int()}
			}
		}
	}
	s.Organizations = make([]graph.SnapOrganization, d.count())
	for i := range s.Organizations {
		s.Organizations[i] = graph.SnapOrganization{ID: d.str(), Name: d.str(), Domain: d.str()}
	}
	np := len(s.People)
	for i := range s.People {
		for _, j := range s.People[i].Jobs {
			if j.Org < 0 || int(j.Org) >= len(s.Organizations) {
				return nil, errCorrupt
			}
		}
	}
	s.Ties = make([]graph.SnapTie, d.count())
	for i := range s.Ties {
		s.Ties[i] = graph.SnapTie{A: d.index(np), B: d.index(np), Since: d.int(), Source: internSource(d.str()),
			Override: math.Float64frombits(d.uint()), Context: d.str()}
	}
	s.Interactions = make([]graph.SnapInteraction, d.count())
	var backing []string // the interactions' people, in one allocation
	for i := range s.Interactions {
		in := &s.Interactions[i]
		in.ID, in.At, in.Kind = d.str(), d.int(), internKind(d.str())
		in.Captured = d.uint() == 1
		if init := d.index(np + 1); init > 0 && d.err == nil {
			in.Initiator = s.People[init-1].ID
		}
		n := d.count()
		if cap(backing)-len(backing) < n {
			backing = make([]string, 0, max(n, 1<<16))
		}
		start := len(backing)
		for range n {
			p := d.index(np)
			if d.err != nil {
				return nil, d.err
			}
			backing = append(backing, s.People[p].ID)
		}
		in.People = backing[start:len(backing):len(backing)]
	}
	s.Events = make([]graph.SnapEvent, d.count())
	for i := range s.Events {
		ev := &s.Events[i]
		ev.Tie, ev.Interaction, ev.Initiator = d.index(len(s.Ties)), d.index(len(s.Interactions)), int8(d.index(3))
		if d.err != nil {
			return nil, d.err
		}
		in := &s.Interactions[ev.Interaction]
		ev.At, ev.Kind, ev.Captured = in.At, in.Kind, in.Captured
	}
	s.Members = make([]graph.SnapMember, d.count())
	for i := range s.Members {
		s.Members[i] = graph.SnapMember{UserID: d.str(), Person: int32(d.int())}
		if m := s.Members[i].Person; m < -1 || int(m) >= np {
			return nil, errCorrupt
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return s, nil
}
