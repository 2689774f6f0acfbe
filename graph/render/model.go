package render

// Format is an output format of a rendering.
type Format string

// The supported output formats.
const (
	SVG Format = "svg"
	PNG Format = "png"
)

// Node is a person drawn on a map.
type Node struct {
	// ID identifies the person; it becomes the SVG id "p-<ID>" and must be 1 to
	// 64 characters of letters, digits, '_', '-', '.' or ':'.
	ID string
	// Label is the person's name.
	Label string
	// Subtitle says who the person is, such as "CTO @ Acme".
	Subtitle string
	// Community is the index of the person's community (0, 1, ...) and picks
	// the colour; a negative index means none.
	Community int
	// Brokerage, from 0 to 1, sizes the node: how much the person bridges
	// otherwise unconnected people (low constraint, high betweenness). Values
	// outside [0, 1] are clamped.
	Brokerage float64
	// Me marks the person whose network it is.
	Me bool
	// Dormant flags a dormant tie of high value, worth reviving.
	Dormant bool
	// URL is opened when the node is clicked: a path starting with "/" or an
	// http(s) URL.
	URL string
}

// Edge is an undirected tie between two people.
type Edge struct {
	// A and B are the ids of the two people.
	A, B string
	// Strength, from 0 to 1, sets the width of strong ties. Values outside
	// [0, 1] are clamped.
	Strength float64
	// Weak draws the tie thin and dashed.
	Weak bool
	// LocalBridge marks a tie whose ends share no other contact (Granovetter
	// 1973): it is drawn as a double line.
	LocalBridge bool
	// Reason explains the tie, such as "worked together at Acme 2019–2022".
	Reason string
}

// Meta is the title and metadata of a rendering. Fields are written, sorted by
// key, into the SVG's JSON <metadata> element and the PNG's nexo:metadata
// chunk, together with keys the renderer sets and that win over Fields: kind
// (ego, overview, community, paths), title, layout, and counts such as
// people_drawn, ties_drawn, groups_drawn, people_total, paths_drawn, radius.
type Meta struct {
	// Title is drawn at the top and becomes the SVG <title>.
	Title string
	// Description is drawn under the title and becomes the SVG <desc>.
	Description string
	// Fields are further key/value pairs, such as the workspace or the time the
	// data was read; keep them free of clocks if bytes must repeat.
	Fields map[string]string
}

// EgoInput is the ego network of the person marked Me.
type EgoInput struct {
	Meta Meta
	// Radius is 1 or 2: people farther than that from Me are not drawn.
	Radius int
	// Nodes holds exactly one node with Me set.
	Nodes []Node
	// Edges join nodes by id; edges naming unknown nodes are an error.
	Edges []Edge
	// CommunityNames names communities in the legend; unnamed ones read
	// "Circle N".
	CommunityNames map[int]string
	// OfOther says the map is of someone else's network than the viewer's:
	// the legend says "their contacts", not "your contacts".
	OfOther bool
}

// OverviewInput is a whole network. Up to MaxOverviewPeople people are drawn
// one by one; above that, communities are drawn as aggregated nodes with the
// brokers between them.
type OverviewInput struct {
	Meta           Meta
	Nodes          []Node
	Edges          []Edge
	CommunityNames map[int]string
}

// CommunityInput is the drill-down into one community: its members and the
// ties among them. Nodes of other communities may be included with their ties
// to members; they are drawn aggregated, one node per community.
type CommunityInput struct {
	Meta Meta
	// Community is the index of the community drilled into.
	Community      int
	Nodes          []Node
	Edges          []Edge
	CommunityNames map[int]string
}

// PathsInput holds the best introduction paths from Me to a target, best
// first.
type PathsInput struct {
	Meta  Meta
	Paths []Path
}

// Path is one introduction path: Nodes[0] is Me, the last node is the target,
// and Edges[i] joins Nodes[i] and Nodes[i+1].
type Path struct {
	// Score ranks the path, such as the product of its tie strengths; it is
	// shown, not used for ordering (Paths are drawn in the order given).
	Score float64
	Nodes []Node
	Edges []Edge
}
