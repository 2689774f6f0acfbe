package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
)

func init() { register(newIDCmd) }

// newIDCmd prints the id of a person or an organisation found by name, for
// scripts and for pasting into API calls: ID=$(nexo id person "Ana García").
func newIDCmd() *cobra.Command {
	return apiCommand("id person|org|member NAME", "Print the id of a person, an organisation or a member (\"member me\": yours), found by name", cobra.ExactArgs(2), nil,
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			var id string
			switch args[0] {
			case "person":
				p, err := c.resolvePerson(ctx, args[1])
				if err != nil {
					return nil, nil, err
				}
				id = p.ID
			case "org", "organization":
				o, err := c.resolveOrg(ctx, args[1])
				if err != nil {
					return nil, nil, err
				}
				id = o.ID
			case "member":
				m, err := c.resolveMember(ctx, args[1])
				if err != nil {
					return nil, nil, err
				}
				id = m
			default:
				return nil, nil, fmt.Errorf("nexo id: person, org or member, not %q", args[0])
			}
			return map[string]string{"id": id}, func(w io.Writer) { fmt.Fprintln(w, id) }, nil
		})
}

// resolveOrg finds an organisation by id or by name (exact, case-insensitive,
// else the only match).
func (c *apiClient) resolveOrg(ctx context.Context, key string) (*graph.Organization, error) {
	if graph.ValidID(key) {
		var o graph.Organization
		if err := c.do(ctx, "GET", "/api/v1/organizations/"+key, nil, nil, &o); err == nil {
			return &o, nil
		}
	}
	var l api.List[graph.Organization]
	if err := c.do(ctx, "GET", "/api/v1/organizations", url.Values{"name": {key}, "limit": {"20"}}, nil, &l); err != nil {
		return nil, err
	}
	for _, o := range l.Items {
		if strings.EqualFold(o.Name, key) {
			return &o, nil
		}
	}
	if len(l.Items) == 1 {
		return &l.Items[0], nil
	}
	if len(l.Items) == 0 {
		return nil, fmt.Errorf("no organisation called %q", key)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%q matches %d organisations; use an id:", key, l.Total)
	for _, o := range l.Items[:min(10, len(l.Items))] {
		fmt.Fprintf(&b, "\n  %s  %s", o.ID, o.Name)
	}
	return nil, fmt.Errorf("%s", b.String())
}
