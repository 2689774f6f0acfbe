package capture

import (
	"context"

	"github.com/nexohq/nexo/graph"
)

func (r *run) syncCalDAV(ctx context.Context, password string) error {
	return failf(FailUnsupported, nil, "CalDAV is not synced yet.")
}

func (r *run) syncCardDAV(ctx context.Context, password string) error {
	return failf(FailUnsupported, nil, "CardDAV is not synced yet.")
}

func (s *Service) checkDAV(ctx context.Context, a *graph.Account, password string) error {
	return failf(FailUnsupported, nil, "CalDAV is not synced yet.")
}
