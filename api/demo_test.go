package api_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/demo"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// TestE2EDemoNetwork asks every question of a small demo network: richer than
// the hand-made ones (circles, brokers, dormant ties, favours, introductions),
// so the answers hold what hand-made networks lack, and the contract checks
// them all.
func TestE2EDemoNetwork(t *testing.T) {
	c := newServer(t, quietLogs)
	store := neo4jtest.Open(t)
	ctx := context.Background()
	meID, err := demo.Generate(demo.Options{People: 60, AsOf: time.Now().UTC().Truncate(24 * time.Hour)}, c.user.ID,
		func(b *graph.Batch) error { return store.Upsert(ctx, c.ws.ID, b, nil) })
	if err != nil {
		t.Fatal(err)
	}
	c.must(200, "PATCH", "/api/v1/members/"+c.user.ID, map[string]any{"person_id": meID}, nil)

	var people struct{ Items []graph.Person }
	c.must(200, "GET", "/api/v1/people?limit=40&offset=20", nil, &people)
	var orgs struct{ Items []graph.Organization }
	c.must(200, "GET", "/api/v1/organizations?limit=5", nil, &orgs)
	if len(people.Items) < 40 || len(orgs.Items) == 0 {
		t.Fatalf("demo: %d people, %d organizations", len(people.Items), len(orgs.Items))
	}
	var paths struct{ Paths []struct{ People []string } }
	c.must(200, "GET", "/api/v1/intro-paths?q="+url.QueryEscape("Ana García"), nil, &paths)
	if len(paths.Paths) == 0 || paths.Paths[0].People[0] != meID {
		t.Errorf("no path from me to Ana García, the demo's close friend: %+v", paths.Paths)
	}
	questions := []string{"/api/v1/brokers?limit=200", "/api/v1/weak-ties?limit=1000", "/api/v1/communities",
		"/api/v1/dormant?days=30&limit=100", "/api/v1/broker-opportunities?limit=200",
		"/api/v1/broker-opportunities?from=team", "/api/v1/ledger", "/api/v1/interactions?limit=1000",
		"/api/v1/introductions?limit=1000", "/api/v1/ties?limit=1000", "/api/v1/intro-paths?q=data&k=20",
		"/api/v1/intro-paths?skill=data+analysis", "/api/v1/intro-paths?title=CTO&from=team"}
	for _, o := range orgs.Items {
		questions = append(questions, "/api/v1/job-search?org="+o.ID, "/api/v1/intro-paths?org="+url.QueryEscape(o.Name),
			"/api/v1/employment?organization_id="+o.ID)
	}
	for i, p := range people.Items {
		questions = append(questions, "/api/v1/people/"+p.ID+"/strengths", "/api/v1/weak-ties?person_id="+p.ID,
			fmt.Sprintf("/api/v1/intro-paths?to=%s&k=%d&max_hops=%d", p.ID, 1+i%20, 1+i%8))
	}
	for _, q := range questions {
		c.must(200, "GET", q, nil, nil)
	}
	var ties struct{ Items []graph.Tie }
	c.must(200, "GET", "/api/v1/ties?person_id="+meID+"&limit=20", nil, &ties)
	for _, tie := range ties.Items {
		c.must(200, "GET", "/api/v1/ties/"+tie.ID+"/ledger", nil, nil)
	}
}
