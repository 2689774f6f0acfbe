package graph_test

import (
	"testing"

	"github.com/nexohq/nexo/graph"
)

func TestNotFound(t *testing.T) {
	for _, tc := range []struct {
		got  *graph.Error
		want string
	}{
		{graph.NotFound("person"), "Person not found."},
		{graph.NotFound("introduction path", "none within 4 ties"), "Introduction path not found: none within 4 ties."},
		{graph.NotFound("route", "GET", "/x"), "Route not found: GET /x."},
	} {
		if tc.got.Code != graph.ENOTFOUND || tc.got.Message != tc.want {
			t.Errorf("got %s %q, want not_found %q", tc.got.Code, tc.got.Message, tc.want)
		}
	}
}
