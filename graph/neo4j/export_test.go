package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// RecordChanges appends changes to the workspace's feed in a transaction of
// their own, for the benchmark of the feed's cost.
func (s *Store) RecordChanges(ctx context.Context, ws string, changes []graph.Change) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, recordChanges(ctx, tx, ws, changes...)
	})
	return err
}
