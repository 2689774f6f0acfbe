package identity

import (
	"cmp"
	"slices"
	"strings"

	"github.com/nexohq/nexo/graph"
)

// legalSuffixes are dropped from the end of organisation names: "ACME
// Inc." is Acme.
var legalSuffixes = setOf("inc incorporated llc ltd limited plc corp corporation gmbh ag kg sa sl sas sarl srl " +
	"spa bv nv ltda co company pty oy ab as slu")

// OrgKey is the matching key of an organisation name: folded, without
// punctuation or legal suffix, and without a web domain's ending:
// "ACME Inc." and "acme.com" are "acme".
func OrgKey(name string) string {
	n := strings.TrimSpace(strings.ToLower(name))
	n = strings.TrimPrefix(strings.TrimPrefix(n, "https://"), "http://")
	n = strings.TrimPrefix(n, "www.")
	if !strings.ContainsRune(n, ' ') && strings.Count(n, ".") >= 1 && !strings.HasSuffix(n, ".") {
		n = n[:strings.IndexByte(n, '.')] // a domain: its first label
	}
	w := words(n)
	for len(w) > 1 && legalSuffixes[w[len(w)-1]] {
		w = w[:len(w)-1]
	}
	return strings.Join(w, " ")
}

// domainStem is the first label of a domain: "acme.co.uk" → "acme".
func domainStem(d string) string {
	d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "www.")
	if i := strings.IndexByte(d, '.'); i > 0 {
		return d[:i]
	}
	return d
}

// Organizations proposes the pairs of organisations likely to be one: the
// same name but for case, punctuation and legal suffix ("Acme", "ACME
// Inc."), a name that is the other's web domain ("acme.com"), or the same
// domain. Every pair it proposes is for a person to confirm.
func Organizations(orgs []*graph.Organization) []Pair {
	blocks := map[string][]int{}
	for i, o := range orgs {
		keys := []string{"n:" + OrgKey(o.Name)}
		if o.Domain != "" {
			keys = append(keys, "d:"+strings.ToLower(o.Domain), "n:"+OrgKey(domainStem(o.Domain)))
		}
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			if k != "n:" && k != "d:" {
				blocks[k] = append(blocks[k], i)
			}
		}
	}
	seen := map[[2]string]bool{}
	var out []Pair
	for _, members := range blocks {
		for x := 0; x < len(members); x++ {
			for y := x + 1; y < len(members); y++ {
				a, b := orgs[members[x]], orgs[members[y]]
				k := [2]string{min(a.ID, b.ID), max(a.ID, b.ID)}
				if seen[k] {
					continue
				}
				seen[k] = true
				out = append(out, orgPair(k, a, b))
			}
		}
	}
	slices.SortFunc(out, func(x, y Pair) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		return cmp.Compare(x.A+x.B, y.A+y.B)
	})
	return out
}

func orgPair(k [2]string, a, b *graph.Organization) Pair {
	p := Pair{A: k[0], B: k[1]}
	da, db := strings.ToLower(a.Domain), strings.ToLower(b.Domain)
	switch {
	case da != "" && da == db:
		p.Score, p.Exact = 1, true
		p.Evidence = append(p.Evidence, Evidence{Kind: EvOrganization, Detail: "the same domain " + da, Weight: 0})
	case OrgKey(a.Name) == OrgKey(b.Name):
		p.Score = 0.95
		p.Evidence = append(p.Evidence, Evidence{Kind: EvName, Detail: "the same name but for case, punctuation or legal form (" +
			a.Name + ", " + b.Name + ")", Weight: wNameExact})
	default:
		p.Score = 0.9
		p.Evidence = append(p.Evidence, Evidence{Kind: EvName, Detail: "one is named after the other's web domain (" +
			a.Name + ", " + b.Name + ")", Weight: wNameReorder})
	}
	if da != "" && db != "" && da != db {
		p.Score = min(p.Score, 0.6)
		p.Evidence = append(p.Evidence, Evidence{Kind: EvConflict, Detail: "different domains (" + da + ", " + db + ")", Weight: -2})
	}
	return p
}
