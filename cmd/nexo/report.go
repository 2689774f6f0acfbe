package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/graph"
)

func init() { register(newReportCmd) }

func newReportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "The periodic report of your network (dormant high-value ties and what to do next)",
		Long: `The weekly report that nexo serve sends on each member's schedule (see the README,
"Weekly report"), here on demand.`,
	}
	cmd.AddCommand(newReportDormantCmd())
	return cmd
}

func newReportDormantCmd() *cobra.Command {
	var cf clientFlags
	var member, format string
	cmd := &cobra.Command{
		Use:   "dormant",
		Short: "Print the report as of now: dormant valuable ties, follow-ups, health, the week's plan",
		Long: `Print a member's report as it would be made now, without storing or sending it:
the dormant ties of high value with why and a message draft, follow-ups due, introductions to
make, network health with its trend, people to deepen, favours owed, introductions waiting,
and a week's plan of 30 to 60 minutes. In the member's language (en or es).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch format {
			case "md", "html", "json":
			default:
				return graph.FieldErrorf("format", "--format must be md, html or json.")
			}
			cf.format = "json" // the connection's own output flag is not used here
			c, err := cf.connect(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer c.Close()
			q := url.Values{"format": {format}}
			if member != "" {
				id, err := c.resolveMember(cmd.Context(), member)
				if err != nil {
					return err
				}
				q.Set("member", id)
			}
			body, err := c.getText(cmd.Context(), "/api/v1/reports/preview", q)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if _, err := w.Write(body); err != nil {
				return err
			}
			if len(body) > 0 && body[len(body)-1] != '\n' {
				fmt.Fprintln(w)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&member, "member", "", "whose report, by user id or name (default: yours; owners may name anyone)")
	fl.StringVar(&format, "format", "md", "output: md, html or json")
	fl.StringVar(&cf.server, "server", "", "URL of a running nexo server (default $NEXO_URL; none: use the store directly)")
	fl.StringVar(&cf.token, "token", "", "API token (default $NEXO_TOKEN, then .data/demo-token)")
	return cmd
}

// resolveMember finds a member by id or by name (case-insensitively);
// "me" is the token's own.
func (c *apiClient) resolveMember(ctx context.Context, key string) (string, error) {
	if key == "me" {
		var me struct {
			User graph.User `json:"user"`
		}
		if err := c.do(ctx, "GET", "/api/v1/me", nil, nil, &me); err != nil {
			return "", err
		}
		return me.User.ID, nil
	}
	var l struct {
		Items []struct{ ID, Name string }
	}
	if err := c.do(ctx, "GET", "/api/v1/members", nil, nil, &l); err != nil {
		return "", err
	}
	var found []string
	for _, m := range l.Items {
		if m.ID == key {
			return m.ID, nil
		}
		if strings.EqualFold(m.Name, key) {
			found = append(found, m.ID)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", fmt.Errorf("no member called %q", key)
	}
	return "", fmt.Errorf("%d members are called %q; use an id: %s", len(found), key, strings.Join(found, ", "))
}

// getText fetches a text answer (Markdown, HTML or JSON) as it is.
func (c *apiClient) getText(ctx context.Context, path string, q url.Values) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		var e struct {
			Error struct{ Code, Message, Field string }
		}
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			return nil, &graph.Error{Code: e.Error.Code, Message: e.Error.Message, Field: e.Error.Field}
		}
		return nil, fmt.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	return b, nil
}
