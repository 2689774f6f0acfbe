package neo4j

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// The change feed (graph.Change). A workspace's version is the version
// property of its Workspace node; each version has one or more
// (:FeedEntry {workspaceId, version, part, parts, at, data}) nodes, data
// holding up to feedChunk changes as a JSON array. Replicas following the
// feed keep (:FeedReplica {workspaceId, id, version, seenAt}) current, so
// that compaction keeps what they still need.

// feedChunk is the number of changes per FeedEntry: an import of 30k rows
// writes a few dozen entries in one UNWIND, not 90k nodes.
const feedChunk = 1000

// feedListMax is the most changes one transaction lists; a larger write
// (a demo batch is 20k rows, a LinkedIn export 30k) records a reload
// instead, which followers answer by loading the workspace in full.
const feedListMax = 250_000

// feedMaxAge bounds how long an entry stays whatever the replicas say: a
// replica that has not caught up in that time reloads anyway.
const feedMaxAge = 24 * time.Hour

// recordChanges appends changes to the workspace's change feed and bumps
// its version, in tx. Every write transaction that changes what the
// analytics read (people, organisations, positions, ties, interactions,
// introductions, members) calls it once, as its last statement, with
// everything it changed:
//
//	changes := []graph.Change{graph.PersonSet(p), graph.TieDeleted(t)}
//	if err := recordChanges(ctx, tx, ws, changes...); err != nil {
//		return nil, err
//	}
//
// Calling it last keeps the workspace's node, which it locks until the
// transaction ends, locked for as short as possible: writers of one
// workspace queue on it, which is also what numbers the versions in commit
// order. A change carries the entity after the write (see graph.Change),
// so a write path records what it wrote, not what it was asked to write: a
// tie an Upsert matched by its pair keeps its stored id; a deletion lists
// what went with the entity (DeletePerson's personCascade). With no changes
// it does nothing: the version only moves when there is something to apply.
// Writes the analytics do not read (notes, tokens, reports, deliveries)
// record nothing.
func recordChanges(ctx context.Context, tx neo4j.ManagedTransaction, ws string, changes ...graph.Change) error {
	if len(changes) == 0 {
		return nil
	}
	if len(changes) > feedListMax {
		changes = []graph.Change{graph.ReloadChange()}
	}
	parts := make([]string, 0, (len(changes)+feedChunk-1)/feedChunk)
	var counts []int
	for start := 0; start < len(changes); start += feedChunk {
		part := changes[start:min(start+feedChunk, len(changes))]
		counts = append(counts, len(part))
		items := make([]feedItem, len(part))
		for i := range part {
			items[i] = feedItemOf(&part[i])
		}
		data, err := json.Marshal(items)
		if err != nil {
			return fmt.Errorf("encode feed changes: %w", err)
		}
		parts = append(parts, string(data))
	}
	rec, err := single(ctx, tx, `
		MATCH (w:Workspace {id: $ws})
		SET w.version = coalesce(w.version, 0) + 1
		WITH w.version AS v
		UNWIND range(0, size($parts) - 1) AS i
		CREATE (:FeedEntry {workspaceId: $ws, version: v, part: i, parts: size($parts), n: $n[i], at: datetime(),
			data: $parts[i]})
		RETURN min(v)`, map[string]any{"ws": ws, "parts": parts, "n": counts})
	if err != nil {
		return fmt.Errorf("record feed: %w", err)
	}
	if rec == nil || rec.Values[0] == nil {
		return notFound("Workspace")
	}
	return nil
}

// FeedVersion returns the workspace's version, 0 before its first write.
func (s *Store) FeedVersion(ctx context.Context, ws string) (uint64, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (uint64, error) { return feedVersion(ctx, tx, ws) })
}

func feedVersion(ctx context.Context, tx neo4j.ManagedTransaction, ws string) (uint64, error) {
	rec, err := single(ctx, tx, "MATCH (w:Workspace {id: $ws}) WHERE w.deleting IS NULL RETURN coalesce(w.version, 0)",
		map[string]any{"ws": ws})
	if err != nil {
		return 0, err
	} else if rec == nil {
		return 0, notFound("Workspace")
	}
	v, _ := rec.Values[0].(int64)
	return uint64(v), nil
}

// ReadFeed returns the changes after version after, whole versions at a
// time, at most limit changes (0: no limit) but always one version,
// however large.
func (s *Store) ReadFeed(ctx context.Context, ws string, after uint64, limit int) (*graph.FeedRead, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.FeedRead, error) {
		v, err := feedVersion(ctx, tx, ws)
		if err != nil {
			return nil, err
		}
		out := &graph.FeedRead{Version: v, Through: after}
		if v <= after {
			return out, nil
		}
		upto := v
		if limit > 0 {
			// Entries hold one change or more: the first limit entries
			// cover limit changes at least. Cut after the last version
			// that keeps the count within limit.
			res, err := tx.Run(ctx, `MATCH (f:FeedEntry {workspaceId: $ws}) WHERE f.version > $after AND f.version <= $upto
				RETURN f.version, coalesce(f.n, $chunk) ORDER BY f.version, f.part LIMIT $limit`,
				map[string]any{"ws": ws, "after": int64(after), "upto": int64(v), "limit": limit, "chunk": feedChunk})
			if err != nil {
				return nil, err
			}
			total, cut, cur, curN := 0, uint64(0), uint64(0), 0
			for res.Next(ctx) {
				r := res.Record().Values
				ver, _ := r[0].(int64)
				n, _ := r[1].(int64)
				if uint64(ver) != cur {
					if cur != 0 && (cut == 0 || total+curN <= limit) {
						total, cut = total+curN, cur
					}
					cur, curN = uint64(ver), 0
				}
				curN += int(n)
			}
			if err := res.Err(); err != nil {
				return nil, err
			}
			// The last version read may be incomplete: it counts only when
			// the read ended before the limit.
			if cur != 0 && (cut == 0 || total+curN <= limit) {
				cut = cur
			}
			if cut != 0 {
				upto = cut
			}
		}
		type entry struct {
			version     uint64
			part, parts int
			data        string
		}
		var got []entry
		scan := func(q string, params map[string]any) error {
			res, err := tx.Run(ctx, q, params)
			if err != nil {
				return err
			}
			for res.Next(ctx) {
				r := res.Record().Values
				ver, _ := r[0].(int64)
				part, _ := r[1].(int64)
				parts, _ := r[2].(int64)
				got = append(got, entry{uint64(ver), int(part), int(parts), vstr(r[3])})
			}
			return res.Err()
		}
		params := map[string]any{"ws": ws, "after": int64(after), "upto": int64(upto)}
		if err := scan(`MATCH (f:FeedEntry {workspaceId: $ws}) WHERE f.version > $after AND f.version <= $upto
			RETURN f.version, f.part, f.parts, f.data ORDER BY f.version, f.part`, params); err != nil {
			return nil, err
		}
		if len(got) == 0 || got[0].version != after+1 {
			out.Gap = true
			return out, nil
		}
		want, part := after+1, 0
		for _, e := range got {
			if e.version != want || e.part != part {
				out.Gap = true // compacted or never written: the reader cannot trust the rest
				return out, nil
			}
			var items []feedItem
			if err := json.Unmarshal([]byte(e.data), &items); err != nil {
				return nil, fmt.Errorf("decode feed version %d: %w", e.version, err)
			}
			for i := range items {
				c := items[i].change()
				c.Version = e.version
				out.Changes = append(out.Changes, c)
			}
			if part++; part == e.parts {
				out.Through, want, part = e.version, want+1, 0
			}
		}
		return out, nil
	})
}

// FeedHeartbeat records that replica's network of the workspace is at version.
func (s *Store) FeedHeartbeat(ctx context.Context, ws, replica string, version uint64) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		_, err := tx.Run(ctx, `MERGE (r:FeedReplica {workspaceId: $ws, id: $replica})
			SET r.version = $version, r.seenAt = datetime()`,
			map[string]any{"ws": ws, "replica": replica, "version": int64(version)})
		return nil, err
	})
	return err
}

// compactBatch is how many entries one transaction of CompactFeed drops.
const compactBatch = 5000

// CompactFeed drops the entries older than keep that every replica seen
// within keep and the newest checkpoint have passed (and any older than
// feedMaxAge), and forgets the replicas not seen within keep. It returns
// the number of entries dropped.
func (s *Store) CompactFeed(ctx context.Context, ws string, keep time.Duration) (int, error) {
	// Times are the database's clock, which wrote them.
	params := map[string]any{"ws": ws, "keep": keep.Milliseconds(), "hard": max(keep, feedMaxAge).Milliseconds(),
		"batch": compactBatch, "format": checkpointFormat}
	low, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		if _, err := tx.Run(ctx, `MATCH (r:FeedReplica {workspaceId: $ws})
			WHERE r.seenAt < datetime() - duration({milliseconds: $keep}) DELETE r`, params); err != nil {
			return 0, err
		}
		// A replica starting from the newest checkpoint replays the feed
		// after it: keep that too.
		rec, err := single(ctx, tx, `OPTIONAL MATCH (r:FeedReplica {workspaceId: $ws}) WITH min(r.version) AS r
			OPTIONAL MATCH (c:FeedCheckpoint {workspaceId: $ws, format: $format}) WITH r, max(c.version) AS c
			RETURN CASE WHEN r IS NULL THEN c WHEN c IS NULL THEN r WHEN c < r THEN c ELSE r END`, params)
		if err != nil {
			return 0, err
		}
		if v, ok := rec.Values[0].(int64); ok {
			return v, nil
		}
		return -1, nil // no replica, no checkpoint: age alone decides
	})
	if err != nil {
		return 0, err
	}
	params["low"] = low
	total := 0
	for {
		n, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
			return count(ctx, tx, `MATCH (f:FeedEntry {workspaceId: $ws})
				WHERE f.at < datetime() - duration({milliseconds: $hard})
					OR (f.at < datetime() - duration({milliseconds: $keep}) AND ($low < 0 OR f.version <= $low))
				WITH f LIMIT $batch DELETE f RETURN count(*)`, params)
		})
		if err != nil {
			return total, fmt.Errorf("compact feed: %w", err)
		}
		total += n
		if n < compactBatch {
			return total, nil
		}
	}
}

// feedItem is a Change as stored: short keys, only the fields the analytics
// read, times in Unix seconds (0: none).
type feedItem struct {
	K  graph.ChangeKind `json:"k"`
	ID string           `json:"id,omitempty"`
	D  bool             `json:"d,omitempty"` // deleted

	N  string   `json:"n,omitempty"`  // name: person, organisation
	T  string   `json:"t,omitempty"`  // title: person, position
	L  string   `json:"l,omitempty"`  // location
	Tg []string `json:"tg,omitempty"` // tags
	Sk []string `json:"sk,omitempty"` // skills
	Nd []string `json:"nd,omitempty"` // needs
	Dm string   `json:"dm,omitempty"` // domain

	P  string   `json:"p,omitempty"`  // person: position, member, introduction (of)
	O  string   `json:"o,omitempty"`  // organisation of a position
	A  string   `json:"a,omitempty"`  // tie's people
	B  string   `json:"b,omitempty"`  //
	S  int64    `json:"s,omitempty"`  // start, since
	E  int64    `json:"e,omitempty"`  // end
	Sr string   `json:"sr,omitempty"` // tie source
	W  *float64 `json:"w,omitempty"`  // tie strength set by hand
	C  string   `json:"c,omitempty"`  // tie context
	Kd string   `json:"kd,omitempty"` // interaction kind
	At int64    `json:"at,omitempty"` // interaction time
	I  string   `json:"i,omitempty"`  // interaction initiator
	Ps []string `json:"ps,omitempty"` // interaction participants
	Cp bool     `json:"cp,omitempty"` // a captured interaction (mail, calendar)
	By string   `json:"by,omitempty"` // introducer
	To string   `json:"to,omitempty"` // introduction target
	St string   `json:"st,omitempty"` // introduction status
}

func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func timeOf(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func feedItemOf(c *graph.Change) feedItem {
	it := feedItem{K: c.Kind, ID: c.ID, D: c.Deleted}
	switch c.Kind {
	case graph.ChangePerson:
		if p := c.Person; p != nil && !c.Deleted {
			it.N, it.T, it.L, it.Tg, it.Sk, it.Nd = p.Name, p.Title, p.Location, p.Tags, p.Skills, p.Needs
		}
	case graph.ChangeOrganization:
		if o := c.Organization; o != nil && !c.Deleted {
			it.N, it.Dm = o.Name, o.Domain
		}
	case graph.ChangeEmployment:
		if e := c.Employment; e != nil {
			it.P, it.O = e.PersonID, e.OrganizationID
			if !c.Deleted {
				it.T, it.S, it.E = e.Title, unixOf(e.Start), unixOf(e.End)
			}
		}
	case graph.ChangeTie:
		if t := c.Tie; t != nil {
			it.A, it.B = t.PersonA, t.PersonB
			if !c.Deleted {
				it.S, it.Sr, it.W, it.C = unixOf(t.Since), string(t.Source), t.Strength, t.Context
			}
		}
	case graph.ChangeInteraction:
		if i := c.Interaction; i != nil && !c.Deleted {
			it.Kd, it.At, it.I, it.Ps, it.Cp = string(i.Kind), unixOf(i.At), i.InitiatorID, i.ParticipantIDs, i.Captured()
		}
	case graph.ChangeIntroduction:
		if in := c.Introduction; in != nil && !c.Deleted {
			it.By, it.P, it.To, it.St = in.IntroducerID, in.PersonID, in.TargetID, string(in.Status)
		}
	case graph.ChangeMember:
		if u := c.Member; u != nil && !c.Deleted {
			it.P = u.PersonID
		}
	}
	return it
}

func (it *feedItem) change() graph.Change {
	c := graph.Change{Kind: it.K, ID: it.ID, Deleted: it.D}
	switch it.K {
	case graph.ChangePerson:
		c.Person = &graph.Person{ID: it.ID, Name: it.N, Title: it.T, Location: it.L, Tags: it.Tg, Skills: it.Sk, Needs: it.Nd}
	case graph.ChangeOrganization:
		c.Organization = &graph.Organization{ID: it.ID, Name: it.N, Domain: it.Dm}
	case graph.ChangeEmployment:
		c.Employment = &graph.Employment{ID: it.ID, PersonID: it.P, OrganizationID: it.O, Title: it.T,
			Start: timeOf(it.S), End: timeOf(it.E)}
	case graph.ChangeTie:
		c.Tie = &graph.Tie{ID: it.ID, PersonA: it.A, PersonB: it.B, Since: timeOf(it.S), Source: graph.TieSource(it.Sr),
			Strength: it.W, Context: it.C}
	case graph.ChangeInteraction:
		c.Interaction = &graph.Interaction{ID: it.ID, Kind: graph.InteractionKind(it.Kd), At: timeOf(it.At),
			InitiatorID: it.I, ParticipantIDs: it.Ps}
		if it.Cp {
			c.Interaction.CaptureKey = "captured" // only whether it is captured travels
		}
	case graph.ChangeIntroduction:
		c.Introduction = &graph.Introduction{ID: it.ID, IntroducerID: it.By, PersonID: it.P, TargetID: it.To,
			Status: graph.IntroStatus(it.St)}
	case graph.ChangeMember:
		c.Member = &graph.User{ID: it.ID, PersonID: it.P}
	}
	return c
}
