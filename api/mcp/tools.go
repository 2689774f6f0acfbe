package mcp

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	gomcp "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/ask"
	"github.com/nexohq/nexo/graph/report"
)

// Inputs of the tools. Each field's jsonschema tag is what an assistant
// reads; limits are added to the schemas in register.

// IntroInput asks who can introduce the user to someone.
type IntroInput struct {
	Person       string `json:"person,omitempty" jsonschema:"the person to reach: a name or a person id"`
	Organization string `json:"organization,omitempty" jsonschema:"anyone at this organisation: a name (case-insensitive) or an id"`
	Text         string `json:"text,omitempty" jsonschema:"anyone matching this text (name, title, organisation, place, tag or skill)"`
	Title        string `json:"title,omitempty" jsonschema:"with text: a title the person has, e.g. CTO"`
	Skill        string `json:"skill,omitempty" jsonschema:"with text or alone: a skill the person has, e.g. data analysis"`
	Tag          string `json:"tag,omitempty" jsonschema:"with text or alone: a tag the person has, e.g. investor"`
	Location     string `json:"location,omitempty" jsonschema:"with text or alone: where the person is, e.g. Madrid"`
	From         string `json:"from,omitempty" jsonschema:"me (default): paths from the user; team: from any member of the workspace"`
	K            int    `json:"k,omitempty" jsonschema:"how many paths, best first (1-20, default 5)"`
	MaxHops      int    `json:"max_hops,omitempty" jsonschema:"longest path in ties (1-8, default 4)"`
}

// SearchInput searches people.
type SearchInput struct {
	Query    string `json:"query,omitempty" jsonschema:"words in the name, email, organisation, title, tags or skills"`
	Company  string `json:"company,omitempty" jsonschema:"at this organisation (now or before)"`
	Title    string `json:"title,omitempty" jsonschema:"title contains"`
	Tag      string `json:"tag,omitempty" jsonschema:"with this tag"`
	Skill    string `json:"skill,omitempty" jsonschema:"with this skill"`
	Location string `json:"location,omitempty" jsonschema:"location contains"`
	Limit    int    `json:"limit,omitempty" jsonschema:"how many (1-100, default 20)"`
}

// PersonInput names a person.
type PersonInput struct {
	Person string `json:"person" jsonschema:"a name or a person id"`
}

// DormantInput asks for the quiet valuable ties.
type DormantInput struct {
	Days  int `json:"days,omitempty" jsonschema:"quiet for at least this many days (1-3650; default the user's report setting, 180)"`
	Limit int `json:"limit,omitempty" jsonschema:"how many (1-20, default 5)"`
}

// OpportunitiesInput asks for introductions to make.
type OpportunitiesInput struct {
	From  string `json:"from,omitempty" jsonschema:"me (default) or team"`
	Limit int    `json:"limit,omitempty" jsonschema:"how many (1-200, default 20)"`
}

// JobSearchInput asks whom to approach about openings.
type JobSearchInput struct {
	Organization string `json:"organization" jsonschema:"the organisation: a name (case-insensitive) or an id"`
	Limit        int    `json:"limit,omitempty" jsonschema:"how many (1-200, default 20)"`
}

// LogInput logs an interaction.
type LogInput struct {
	Kind        string   `json:"kind" jsonschema:"message, email, call, coffee, meeting, event, favour_given (the user helped them) or favour_received"`
	With        []string `json:"with" jsonschema:"who else took part: names or person ids"`
	At          string   `json:"at,omitempty" jsonschema:"when: YYYY-MM-DD or RFC 3339 (default now)"`
	InitiatedBy string   `json:"initiated_by,omitempty" jsonschema:"who reached out: me, them, or a participant's name or id"`
	Notes       string   `json:"notes,omitempty" jsonschema:"private notes, seen only by the user"`
}

// IntroductionInput records a requested introduction.
type IntroductionInput struct {
	Introducer string `json:"introducer" jsonschema:"who is asked to make the introduction: a name or a person id"`
	Target     string `json:"target" jsonschema:"whom to meet: a name or a person id"`
	Person     string `json:"person,omitempty" jsonschema:"who is introduced (default the user)"`
	Reason     string `json:"reason,omitempty" jsonschema:"why"`
}

// MapInput asks for a map of the network.
type MapInput struct {
	Kind   string `json:"kind,omitempty" jsonschema:"ego (default): the user's contacts laid out by their ties to each other; overview: the whole network as circles"`
	Radius int    `json:"radius,omitempty" jsonschema:"ego maps: 1 (contacts, default) or 2 (their contacts too)"`
	Format string `json:"format,omitempty" jsonschema:"png (default) or svg"`
}

// Outputs that are not graph/ask answers.

// PeopleOutput is a page of people.
type PeopleOutput struct {
	People []*graph.Person `json:"people"`
	Total  int             `json:"total"`
}

// PersonOutput is a person and their ties explained.
type PersonOutput struct {
	Person    *graph.Person        `json:"person"`
	Strengths *ask.StrengthsAnswer `json:"strengths"`
}

// DormantOutput is the user's dormant ties worth reviving.
type DormantOutput struct {
	Dormant []report.DormantEntry `json:"dormant"`
}

// limits are the bounds the schemas add to the inputs' fields.
var limits = map[string]func(s *jsonschema.Schema){
	"k":        between(1, ask.MaxK),
	"max_hops": between(1, analytics.MaxPathHops),
	"limit":    between(1, 200),
	"days":     between(1, ask.MaxDays),
	"radius":   between(1, 2),
	"from":     oneOf("me", "team"),
	"format":   oneOf("png", "svg"),
	"notes":    maxLength(graph.MaxNotesLen),
}

func between(lo, hi float64) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) { s.Minimum, s.Maximum = &lo, &hi }
}

func oneOf(values ...any) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) { s.Enum = values }
}

func maxLength(n int) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) { s.MaxLength = &n }
}

// inputSchema is the schema of In with the limits: every string (and every
// string of a list) at most ask.MaxTextLength characters unless said
// otherwise, lists at most 50 items.
func inputSchema[In any]() *jsonschema.Schema {
	s, err := jsonschema.For[In](nil)
	if err != nil {
		panic(fmt.Sprintf("schema of %s: %v", reflect.TypeFor[In](), err))
	}
	for name, p := range s.Properties {
		switch p.Type {
		case "string":
			maxLength(ask.MaxTextLength)(p)
		case "array":
			n := 50
			p.MaxItems = &n
			maxLength(ask.MaxTextLength)(p.Items)
		}
		if f, ok := limits[name]; ok {
			f(p)
		}
	}
	return s
}

// add registers a tool whose handler gets the asker and returns a readable
// text with the structured answer.
func add[In, Out any](s *gomcp.Server, t *tools, tool *gomcp.Tool,
	h func(ctx context.Context, a ask.Asker, in In) (string, Out, error)) {
	tool.InputSchema = inputSchema[In]()
	gomcp.AddTool(s, tool, func(ctx context.Context, req *gomcp.CallToolRequest, in In) (*gomcp.CallToolResult, Out, error) {
		var zero Out
		a, err := t.who(ctx, req.Extra)
		if err != nil {
			return nil, zero, toolError(err)
		}
		text, out, err := h(ctx, a, in)
		if err != nil {
			return nil, zero, toolError(err)
		}
		return &gomcp.CallToolResult{Content: []gomcp.Content{&gomcp.TextContent{Text: text}}}, out, nil
	})
}

// toolError is the message an assistant reads when a call fails: a user's
// mistake says what to change, an internal fault says only that it failed.
func toolError(err error) error {
	msg := graph.ErrorMessage(err)
	if f := graph.ErrorField(err); f != "" && !strings.Contains(msg, f) {
		msg = f + ": " + msg
	}
	return fmt.Errorf("%s", msg)
}

var (
	readOnly = &gomcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: new(false)}
	writes   = &gomcp.ToolAnnotations{ReadOnlyHint: false, DestructiveHint: new(false), IdempotentHint: false,
		OpenWorldHint: new(false)}
)

func (t *tools) register(s *gomcp.Server) {
	add(s, t, &gomcp.Tool{Name: "who_can_introduce", Annotations: readOnly,
		Description: "Who can introduce me to a person, to anyone at an organisation, or to anyone matching text or a skill: the warmest introduction paths through my network, best first, each tie with why it is warm."},
		t.whoCanIntroduce)
	add(s, t, &gomcp.Tool{Name: "search_people", Annotations: readOnly,
		Description: "Search the people of my network by name, organisation, title, tag, skill or place."},
		t.searchPeople)
	add(s, t, &gomcp.Tool{Name: "person", Annotations: readOnly,
		Description: "One person: who they are, and each of their ties with its strength (0-1) and why."},
		t.person)
	add(s, t, &gomcp.Tool{Name: "dormant_ties", Annotations: readOnly,
		Description: "My valuable ties that have gone quiet, most worth reviving first, each with why it matters, a next step and a short message draft to send."},
		t.dormantTies)
	add(s, t, &gomcp.Tool{Name: "broker_opportunities", Annotations: readOnly,
		Description: "Introductions I could make: two of my contacts who do not know each other and would benefit from meeting, with why."},
		t.brokerOpportunities)
	add(s, t, &gomcp.Tool{Name: "job_search", Annotations: readOnly,
		Description: "Whom to approach about openings at an organisation: my contacts there or who know people there, moderately weak ties first (Rajkumar et al. 2022)."},
		t.jobSearch)
	add(s, t, &gomcp.Tool{Name: "log_interaction", Annotations: writes,
		Description: "Write: log an interaction I had (a coffee, a call, a favour...) with one or more people of my network."},
		t.logInteraction)
	add(s, t, &gomcp.Tool{Name: "record_introduction", Annotations: writes,
		Description: "Write: record that I asked someone to introduce me (or another person) to someone."},
		t.recordIntroduction)
	t.registerMap(s)
	t.registerReport(s)
}

func (t *tools) whoCanIntroduce(ctx context.Context, a ask.Asker, in IntroInput) (string, *ask.IntroPathsAnswer, error) {
	q := ask.IntroPathsQuestion{Org: in.Organization, From: in.From, K: in.K, MaxHops: in.MaxHops,
		Query: analytics.PersonQuery{Text: in.Text, Title: in.Title, Skill: in.Skill, Tag: in.Tag, Location: in.Location}}
	if in.Person != "" {
		p, err := t.findPerson(ctx, a, "person", in.Person)
		if err != nil {
			return "", nil, err
		}
		q.To = p.ID
	}
	ans, err := t.d.Ask.IntroPaths(ctx, a, q)
	if err != nil {
		return "", nil, err
	}
	return pathsText(ans), ans, nil
}

// pathsText words intro paths for a reader: the target, then each path
// with its score and every tie with its strength and reasons.
func pathsText(ans *ask.IntroPathsAnswer) string {
	target := ans.Target.Name
	switch {
	case ans.Target.OrganizationID != "":
		target = "someone at " + ans.Target.Name
	case ans.Target.Query != nil:
		target = "someone matching your search"
	}
	var b strings.Builder
	if len(ans.Paths) == 0 {
		fmt.Fprintf(&b, "No introduction path to %s within %d ties.", target, ans.Options.MaxHops)
		return b.String()
	}
	fmt.Fprintf(&b, "Introduction paths to %s, warmest first (score = product of the tie strengths, 0-1):\n", target)
	for i, p := range ans.Paths {
		fmt.Fprintf(&b, "\n%d. %s (score %.2f)\n", i+1, strings.Join(p.Names, " → "), p.Score)
		for _, st := range p.Steps {
			fmt.Fprintf(&b, "   %s → %s: strength %.2f — %s\n", st.FromName, st.ToName, st.Strength, texts(st.Reasons))
		}
	}
	return b.String()
}

// texts joins worded reasons.
func texts(rs []analytics.Reason) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Text
	}
	return strings.Join(out, "; ")
}

func (t *tools) searchPeople(ctx context.Context, a ask.Asker, in SearchInput) (string, *PeopleOutput, error) {
	limit := in.Limit
	if limit == 0 {
		limit = ask.DefaultLimit
	}
	if limit < 1 || limit > 100 {
		return "", nil, graph.FieldErrorf("limit", "limit must be between 1 and 100.")
	}
	l, total, err := t.d.Store.FindPeople(ctx, a.WorkspaceID, graph.PersonFilter{Query: in.Query, Company: in.Company,
		Title: in.Title, Tag: in.Tag, Skill: in.Skill, Location: in.Location, Limit: limit})
	if err != nil {
		return "", nil, err
	}
	if l == nil {
		l = []*graph.Person{}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d people:\n", len(l), total)
	for _, p := range l {
		fmt.Fprintf(&b, "- %s (id %s)", p.Name, p.ID)
		if h := headline(p); h != "" {
			b.WriteString(", " + h)
		}
		if p.Location != "" {
			b.WriteString(", " + p.Location)
		}
		b.WriteString("\n")
	}
	return b.String(), &PeopleOutput{People: l, Total: total}, nil
}

func (t *tools) person(ctx context.Context, a ask.Asker, in PersonInput) (string, *PersonOutput, error) {
	p, err := t.findPerson(ctx, a, "person", in.Person)
	if err != nil {
		return "", nil, err
	}
	st, err := t.d.Ask.Strengths(ctx, a, p.ID)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (id %s)", p.Name, p.ID)
	if h := headline(p); h != "" {
		b.WriteString(", " + h)
	}
	for _, l := range [][2]string{{"Location", p.Location}, {"Tags", strings.Join(p.Tags, ", ")},
		{"Skills", strings.Join(p.Skills, ", ")}, {"Looking for", strings.Join(p.Needs, ", ")}} {
		if l[1] != "" {
			fmt.Fprintf(&b, "\n%s: %s", l[0], l[1])
		}
	}
	fmt.Fprintf(&b, "\n\n%d ties, strongest first:\n", len(st.Ties))
	for _, tv := range st.Ties[:min(len(st.Ties), 15)] {
		fmt.Fprintf(&b, "- %s: strength %.2f — %s\n", tv.Name, tv.Strength, texts(tv.Reasons))
	}
	if len(st.Ties) > 15 {
		fmt.Fprintf(&b, "(and %d more in the structured answer)\n", len(st.Ties)-15)
	}
	return b.String(), &PersonOutput{Person: p, Strengths: st}, nil
}

func (t *tools) dormantTies(ctx context.Context, a ask.Asker, in DormantInput) (string, *DormantOutput, error) {
	if in.Limit < 0 || in.Limit > 20 {
		return "", nil, graph.FieldErrorf("limit", "limit must be between 1 and 20.")
	}
	if in.Days < 0 || in.Days > ask.MaxDays {
		return "", nil, graph.FieldErrorf("days", "days must be between 1 and %d.", ask.MaxDays)
	}
	l, err := t.d.Dormant(ctx, a, in.Days, in.Limit)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	if len(l) == 0 {
		b.WriteString("No valuable tie has gone quiet.")
	}
	for i, d := range l {
		fmt.Fprintf(&b, "%d. %s", i+1, d.Name)
		if d.Headline != "" {
			b.WriteString(" — " + d.Headline)
		}
		fmt.Fprintf(&b, "\n   Why: %s\n   Next step (%d min): %s\n   Draft: %s\n", d.Reasons.String(),
			d.NextStep.Minutes, d.NextStep.Action, d.NextStep.Draft)
	}
	return b.String(), &DormantOutput{Dormant: l}, nil
}

func (t *tools) brokerOpportunities(ctx context.Context, a ask.Asker, in OpportunitiesInput) (string, *ask.OpportunitiesAnswer, error) {
	ans, err := t.d.Ask.BrokerOpportunities(ctx, a, in.From, in.Limit)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	if len(ans.Opportunities) == 0 {
		b.WriteString("No introduction to suggest.")
	}
	for i, o := range ans.Opportunities {
		fmt.Fprintf(&b, "%d. Introduce %s and %s (score %.2f): %s\n", i+1, o.NameA, o.NameB, o.Score, texts(o.Reasons))
	}
	return b.String(), ans, nil
}

func (t *tools) jobSearch(ctx context.Context, a ask.Asker, in JobSearchInput) (string, *ask.JobSearchAnswer, error) {
	ans, err := t.d.Ask.JobSearch(ctx, a, in.Organization, in.Limit)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Whom to approach about openings at %s, best first:\n", ans.Organization.Name)
	if len(ans.Leads) == 0 {
		b.WriteString("Nobody you know works there or knows people there.\n")
	}
	for i, l := range ans.Leads {
		fmt.Fprintf(&b, "%d. %s: %s\n", i+1, l.Name, texts(l.Reasons))
	}
	b.WriteString("\n" + ans.Method)
	return b.String(), ans, nil
}

// canWrite refuses viewers, as the API does.
func canWrite(a ask.Asker) error {
	if !a.User.Role.CanWrite() {
		return graph.Errorf(graph.EFORBIDDEN, "Viewers cannot change the network.")
	}
	return nil
}

func (t *tools) logInteraction(ctx context.Context, a ask.Asker, in LogInput) (string, *graph.Interaction, error) {
	if err := canWrite(a); err != nil {
		return "", nil, err
	}
	if len(in.With) == 0 {
		return "", nil, graph.FieldErrorf("with", "with is required: who else took part.")
	}
	req := ask.InteractionRequest{Kind: graph.InteractionKind(in.Kind), Notes: in.Notes}
	var names []string
	for _, w := range in.With {
		p, err := t.findPerson(ctx, a, "with", w)
		if err != nil {
			return "", nil, err
		}
		req.With, names = append(req.With, p.ID), append(names, p.Name)
	}
	switch in.InitiatedBy {
	case "", "me", "them":
		req.InitiatedBy = in.InitiatedBy
	default:
		p, err := t.findPerson(ctx, a, "initiated_by", in.InitiatedBy)
		if err != nil {
			return "", nil, err
		}
		req.InitiatedBy = p.ID
	}
	if in.At != "" {
		at, err := parseWhen(in.At)
		if err != nil {
			return "", nil, err
		}
		req.At = at
	}
	i, err := ask.NewInteraction(a, req, time.Now())
	if err != nil {
		return "", nil, err
	}
	if err := t.d.Store.CreateInteraction(ctx, i); err != nil {
		return "", nil, err
	}
	t.d.Changed(a.WorkspaceID)
	return fmt.Sprintf("Logged a %s with %s on %s (id %s).", strings.ReplaceAll(in.Kind, "_", " "),
		strings.Join(names, ", "), i.At.Format(time.DateOnly), i.ID), i, nil
}

// parseWhen reads a date or an RFC 3339 time.
func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, graph.FieldErrorf("at", "at must be YYYY-MM-DD or an RFC 3339 time, not %q.", s)
}

func (t *tools) recordIntroduction(ctx context.Context, a ask.Asker, in IntroductionInput) (string, *graph.Introduction, error) {
	if err := canWrite(a); err != nil {
		return "", nil, err
	}
	introducer, err := t.findPerson(ctx, a, "introducer", in.Introducer)
	if err != nil {
		return "", nil, err
	}
	target, err := t.findPerson(ctx, a, "target", in.Target)
	if err != nil {
		return "", nil, err
	}
	req := ask.IntroductionRequest{IntroducerID: introducer.ID, TargetID: target.ID, Reason: in.Reason}
	who := "you"
	if in.Person != "" {
		p, err := t.findPerson(ctx, a, "person", in.Person)
		if err != nil {
			return "", nil, err
		}
		req.PersonID, who = p.ID, p.Name
	}
	intro := ask.NewIntroduction(a, req)
	if err := t.d.Store.CreateIntroduction(ctx, intro); err != nil {
		return "", nil, err
	}
	t.d.Changed(a.WorkspaceID)
	return fmt.Sprintf("Recorded: %s asked to introduce %s to %s (id %s).", introducer.Name, who, target.Name, intro.ID),
		intro, nil
}
