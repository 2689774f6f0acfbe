package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

func init() { register(newRenderCmd) }

// newRenderCmd draws the network through the API's render routes.
func newRenderCmd() *cobra.Command {
	var cf clientFlags
	var out, person, to, org, query string
	var radius, community, k int
	cmd := &cobra.Command{
		Use:   "render map|overview|paths -o FILE.svg|FILE.png",
		Short: "Draw my ego map, the whole network (or one community), or intro paths, as SVG or PNG",
		Long: `Render draws with Graphviz, as the web page does:

  nexo render map -o me.svg                     my ego map (radius 1; --radius 2 for friends of friends)
  nexo render map --person "Ana García" -o ana.png
  nexo render overview -o network.svg           communities and the brokers between them
  nexo render overview --community 3 -o c3.svg  one community, drilled into
  nexo render paths --org Globex -o globex.svg  the best intro paths, left to right

The format follows the file's extension (.svg or .png).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("-o FILE.svg or FILE.png is required")
			}
			format := strings.TrimPrefix(strings.ToLower(fileExt(out)), ".")
			if format != "svg" && format != "png" {
				return fmt.Errorf("-o %s: the file must end in .svg or .png", out)
			}
			ctx := cmd.Context()
			c, err := cf.connect(ctx, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer c.Close()
			q := url.Values{}
			var path string
			switch args[0] {
			case "map":
				path = "/api/v1/map." + format
				q.Set("radius", strconv.Itoa(radius))
				if person != "" {
					p, err := c.resolvePerson(ctx, person)
					if err != nil {
						return err
					}
					q.Set("person", p.ID)
				}
			case "overview":
				path = "/api/v1/overview." + format
				if community >= 0 {
					q.Set("community", strconv.Itoa(community))
				}
			case "paths":
				path = "/api/v1/intro-paths." + format
				q.Set("k", strconv.Itoa(k))
				switch {
				case to != "":
					p, err := c.resolvePerson(ctx, to)
					if err != nil {
						return err
					}
					q.Set("to", p.ID)
				case org != "":
					q.Set("org", org)
				case query != "":
					q.Set("q", query)
				default:
					return fmt.Errorf("render paths needs --to, --org or --query")
				}
			default:
				return fmt.Errorf("render what? map, overview or paths, not %q", args[0])
			}
			n, err := c.download(ctx, path, q, out)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Wrote %s (%d bytes).\n", out, n)
			return nil
		},
	}
	cf.add(cmd)
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "file to write: .svg or .png")
	f.StringVar(&person, "person", "", "map: whose ego map (name or id; default me)")
	f.IntVar(&radius, "radius", 1, "map: 1 (my contacts) or 2 (their contacts too)")
	f.IntVar(&community, "community", -1, "overview: drill into this community")
	f.StringVar(&to, "to", "", "paths: to this person (name or id)")
	f.StringVar(&org, "org", "", "paths: to anyone at this organisation")
	f.StringVar(&query, "query", "", "paths: to anyone matching this text")
	f.IntVar(&k, "k", 3, "paths: how many")
	return cmd
}

func fileExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

// download writes the body of a GET to a file, or fails with the API's error.
func (c *apiClient) download(ctx context.Context, path string, q url.Values, file string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(resp.Body)
		return 0, apiError(resp.StatusCode, raw)
	}
	f, err := os.Create(file)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}
