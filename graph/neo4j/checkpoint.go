package neo4j

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// Snapshot checkpoints. Reading a large workspace through Cypher costs one
// row per person and per interaction, tens of seconds for 100k people; a
// checkpoint is the same canonical snapshot, encoded compactly
// (checkpointcodec.go, deflated) into a few byte-array properties of (:FeedCheckpoint {workspaceId,
// version, part, parts, data}) nodes, which Bolt streams in a second or so.
// A replica writes one from the network it keeps current with the change
// feed (WriteCheckpoint); a replica starting reads the newest
// (SnapshotOptions.Checkpoint) and replays the feed after its version.
// CompactFeed keeps the entries after the newest checkpoint for that.

// checkpointPart is the size of one FeedCheckpoint's data.
const checkpointPart = 4 << 20

// checkpointFormat is the version of the encoding; checkpoints of another
// are ignored, and replaced by the next one written.
const checkpointFormat = 3

// WriteCheckpoint stores snap, a canonical snapshot of the whole workspace
// at snap.Version, as the workspace's checkpoint, unless the workspace has
// one as recent already. It reports whether it wrote one.
func (s *Store) WriteCheckpoint(ctx context.Context, ws string, snap *graph.Snapshot) (bool, error) {
	// Encoding costs a second of CPU on a large workspace: not for nothing.
	newer, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) { return hasCheckpoint(ctx, tx, ws, snap.Version) })
	if err != nil || newer {
		return false, err
	}
	// In id order, as a load from the graph has them (a network kept
	// current appends its latest interactions).
	sorted := snap.Interactions
	if !slices.IsSortedFunc(sorted, func(a, b graph.SnapInteraction) int { return strings.Compare(a.ID, b.ID) }) {
		sorted = slices.SortedFunc(slices.Values(sorted), func(a, b graph.SnapInteraction) int { return strings.Compare(a.ID, b.ID) })
	}
	var buf bytes.Buffer
	zw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return false, err
	}
	if _, err := zw.Write(encodeSnapshot(snap.Canonical())); err != nil {
		return false, fmt.Errorf("encode checkpoint: %w", err)
	}
	if err := zw.Close(); err != nil {
		return false, err
	}
	data := buf.Bytes()
	var parts [][]byte
	for start := 0; start < len(data); start += checkpointPart {
		parts = append(parts, data[start:min(start+checkpointPart, len(data))])
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		if err := requireWorkspace(ctx, tx, ws); err != nil {
			return false, err
		}
		// Writers of one workspace's checkpoint queue on its node.
		if _, err := tx.Run(ctx, "MATCH (w:Workspace {id: $ws}) SET w.checkpointLock = true REMOVE w.checkpointLock",
			map[string]any{"ws": ws}); err != nil {
			return false, err
		}
		if newer, err := hasCheckpoint(ctx, tx, ws, snap.Version); err != nil || newer {
			return false, err
		}
		if _, err := tx.Run(ctx, "MATCH (c:FeedCheckpoint {workspaceId: $ws}) DELETE c", map[string]any{"ws": ws}); err != nil {
			return false, err
		}
		for i, p := range parts {
			if _, err := tx.Run(ctx, `CREATE (:FeedCheckpoint {workspaceId: $ws, version: $version, part: $part,
				parts: $parts, format: $format, at: datetime(), data: $data})`, map[string]any{"ws": ws,
				"version": int64(snap.Version), "part": i, "parts": len(parts), "format": checkpointFormat, "data": p}); err != nil {
				return false, err
			}
		}
		return true, nil
	})
}

// CheckpointVersion returns the version of the workspace's checkpoint, and
// false when it has none.
func (s *Store) CheckpointVersion(ctx context.Context, ws string) (uint64, bool, error) {
	type found struct {
		v  uint64
		ok bool
	}
	f, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (found, error) {
		rec, err := single(ctx, tx, "MATCH (c:FeedCheckpoint {workspaceId: $ws, format: $format}) RETURN max(c.version)",
			map[string]any{"ws": ws, "format": checkpointFormat})
		if err != nil {
			return found{}, err
		}
		v, ok := rec.Values[0].(int64)
		return found{uint64(v), ok}, nil
	})
	return f.v, f.ok, err
}

// hasCheckpoint reports whether the workspace has a checkpoint of version
// or later.
func hasCheckpoint(ctx context.Context, tx neo4j.ManagedTransaction, ws string, version uint64) (bool, error) {
	rec, err := single(ctx, tx, "MATCH (c:FeedCheckpoint {workspaceId: $ws, format: $format}) RETURN max(c.version)",
		map[string]any{"ws": ws, "format": checkpointFormat})
	if err != nil {
		return false, err
	}
	v, ok := rec.Values[0].(int64)
	return ok && uint64(v) >= version, nil
}

// loadCheckpoint reads the workspace's checkpoint into a snapshot, or
// returns nil when there is none (or only part of one).
func (s *Store) loadCheckpoint(ctx context.Context, ws string) (*graph.Snapshot, error) {
	var data []byte
	var version int64 = -1
	parts, seen := 0, 0
	err := s.stream(ctx, `MATCH (c:FeedCheckpoint {workspaceId: $ws, format: $format})
		RETURN c.version, c.part, c.parts, c.data ORDER BY c.version DESC, c.part`,
		map[string]any{"ws": ws, "format": checkpointFormat},
		func(v []any) error {
			ver, _ := v[0].(int64)
			part, _ := v[1].(int64)
			n, _ := v[2].(int64)
			if version < 0 {
				version, parts = ver, int(n)
			}
			if ver != version || int(part) != seen {
				return nil
			}
			b, _ := v[3].([]byte)
			data = append(data, b...)
			seen++
			return nil
		})
	if err != nil || version < 0 || seen != parts {
		return nil, err
	}
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(data)))
	if err != nil {
		return nil, fmt.Errorf("inflate checkpoint: %w", err)
	}
	snap, err := decodeSnapshot(raw)
	if err != nil {
		return nil, fmt.Errorf("decode checkpoint of version %d: %w", version, err)
	}
	snap.WorkspaceID, snap.Checkpoint, snap.LoadedAt = ws, true, s.Now()
	return snap, nil
}
