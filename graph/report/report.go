package report

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/netmap"
)

// Version is the version of the Report format stored in report bodies.
//
// Version 2 words reasons as codes with their text (analytics.Reason); a
// version 1 body, whose reasons were sentences, still decodes (Reasons).
const Version = 2

// Report is one member's periodic review of their network. It is what the
// API returns as JSON and what Markdown and HTML render.
type Report struct {
	Version       int       `json:"version"`
	Member        Member    `json:"member"`
	Period        string    `json:"period"`
	GeneratedAt   time.Time `json:"generated_at"`
	ThresholdDays int       `json:"threshold_days"`

	Dormant       []DormantEntry `json:"dormant"`
	FollowUps     []FollowUp     `json:"follow_ups"`
	Introductions []Opportunity  `json:"introductions_to_make"`
	Health        Health         `json:"health"`
	Deepen        []DeepenEntry  `json:"deepen"`
	Owed          []Owed         `json:"favours_owed"`
	IntrosWaiting []IntroWaiting `json:"introductions_waiting"`
	Plan          Plan           `json:"plan"`
	EgoMap        EgoMap         `json:"ego_map"`
}

// Member is whom a report is for.
type Member struct {
	UserID   string `json:"user_id"`
	Name     string `json:"name"`
	PersonID string `json:"person_id"`
	Locale   string `json:"locale"`
	TimeZone string `json:"time_zone"`
}

// DormantEntry is a dormant tie worth reviving. Score = Value × Urgency ranks
// them: Value is analytics.DormantTies' value of the tie, Urgency =
// 1 − 2^(−days dormant / threshold) grows from ½ at the threshold towards 1.
type DormantEntry struct {
	PersonID        string                `json:"person_id"`
	Name            string                `json:"name"`
	Headline        string                `json:"headline,omitempty"` // title @ organisation
	DaysDormant     int                   `json:"days_dormant"`
	LastInteraction time.Time             `json:"last_interaction"`
	LastKind        graph.InteractionKind `json:"last_kind"`
	Interactions    int                   `json:"interactions"`
	PastStrength    float64               `json:"past_strength"`
	Strength        float64               `json:"strength"`
	ExclusiveReach  int                   `json:"exclusive_reach"`
	Circles         []string              `json:"circles,omitempty"`
	FollowedOrgs    []string              `json:"followed_orgs,omitempty"`
	FavoursFromThem int                   `json:"favours_from_them"`
	FavoursToThem   int                   `json:"favours_to_them"`
	Value           float64               `json:"value"`
	Urgency         float64               `json:"urgency"`
	Score           float64               `json:"score"`
	Reasons         Reasons               `json:"reasons"`
	NextStep        NextStep              `json:"next_step"`
}

// NextStep is what to do about a person, with a message draft to send.
type NextStep struct {
	Kind    string `json:"kind"` // thank, congratulate, offer_intro, share, call, follow_up
	Action  string `json:"action"`
	Draft   string `json:"draft"`
	Minutes int    `json:"minutes"`
}

// FollowUp is someone to get back to: met recently (a new tie or a first
// interaction) with no follow-up yet, due a week after meeting; a meeting
// with no interaction since, due two days after it; or someone who wrote
// last and was never answered, due three days after. The last two come
// from captured mail and calendars, where who wrote is known.
type FollowUp struct {
	PersonID string                `json:"person_id"`
	Name     string                `json:"name"`
	Why      string                `json:"why"` // met, after_meeting, unanswered
	MetAt    time.Time             `json:"met_at"`
	How      graph.InteractionKind `json:"how,omitempty"` // empty: a new tie without an interaction
	DueAt    time.Time             `json:"due_at"`
	Overdue  bool                  `json:"overdue"`
	NextStep NextStep              `json:"next_step"`
}

// Opportunity is an introduction the member could make this week.
type Opportunity struct {
	PersonA string  `json:"person_a"`
	NameA   string  `json:"name_a"`
	PersonB string  `json:"person_b"`
	NameB   string  `json:"name_b"`
	Score   float64 `json:"score"`
	Reasons Reasons `json:"reasons"`
}

// Health is the member's network health now, with the previous reports'
// numbers for the trend (newest first).
type Health struct {
	graph.ReportHealth
	Trend []TrendPoint `json:"trend"`
}

// TrendPoint is the health recorded by an earlier report.
type TrendPoint struct {
	Period      string             `json:"period"`
	GeneratedAt time.Time          `json:"generated_at"`
	Health      graph.ReportHealth `json:"health"`
}

// DeepenEntry is an active tie worth deepening in the next three months:
// valuable, not yet strong.
type DeepenEntry struct {
	PersonID string   `json:"person_id"`
	Name     string   `json:"name"`
	Headline string   `json:"headline,omitempty"`
	Strength float64  `json:"strength"`
	Value    float64  `json:"value"`
	Reasons  Reasons  `json:"reasons"`
	NextStep NextStep `json:"next_step"`
}

// Owed is a contact who did the member more favours than they got back.
type Owed struct {
	PersonID   string    `json:"person_id"`
	Name       string    `json:"name"`
	Received   int       `json:"received"`
	Given      int       `json:"given"`
	LastFavour time.Time `json:"last_favour"`
	Needs      []string  `json:"needs,omitempty"` // what they are looking for: a way to give back
}

// IntroWaiting is an introduction involving the member that waits for
// someone to act.
type IntroWaiting struct {
	IntroductionID string            `json:"introduction_id"`
	Status         graph.IntroStatus `json:"status"`
	Role           string            `json:"role"` // introducer, requester, introduced
	Introducer     string            `json:"introducer"`
	Person         string            `json:"person"`
	Target         string            `json:"target"`
	Since          time.Time         `json:"since"`
	Days           int               `json:"days"`
	Action         string            `json:"action"`
}

// Plan is the week's plan: a few actions that fit 30 to 60 minutes.
type Plan struct {
	Minutes int        `json:"minutes"`
	Items   []PlanItem `json:"items"`
}

// PlanItem is one action of the plan, on a weekday.
type PlanItem struct {
	Day      string `json:"day"`
	Minutes  int    `json:"minutes"`
	Action   string `json:"action"`
	PersonID string `json:"person_id,omitempty"`
}

// Options tunes Build. Zero fields take the defaults.
type Options struct {
	Dormant      int     // dormant ties listed; default 5
	MinValue     float64 // least value of a dormant tie worth listing; default 0.2
	Valuable     float64 // value from which a tie counts as valuable in the health; default 0.3
	FollowUpDays int     // how far back "met recently" goes; default 30
	EgoPeople    int     // people on the ego map besides me; default 20 (a small map for email)
}

func (o Options) withDefaults() Options {
	if o.Dormant <= 0 {
		o.Dormant = 5
	}
	if o.MinValue <= 0 {
		o.MinValue = 0.2
	}
	if o.Valuable <= 0 {
		o.Valuable = 0.3
	}
	if o.FollowUpDays <= 0 {
		o.FollowUpDays = 30
	}
	if o.EgoPeople <= 0 {
		o.EgoPeople = 20
	}
	return o
}

// newRoleDays is how recent a new role must be to congratulate on it.
const newRoleDays = 183

// Strength bands: a tie is strong from 0.6, moderate from 0.3, weak below
// (the bands analytics uses to describe ties, and the maps draw).
const (
	StrongTie   = netmap.StrongTie
	ModerateTie = netmap.ModerateTie
)

// Input is what Build needs besides the network: the member, the period
// key, the introductions the member's person takes part in, and the previous
// reports (newest first) for the trend.
type Input struct {
	Net           *analytics.Network
	User          *graph.User
	Period        string
	Introductions []*graph.Introduction
	History       []*graph.Report
	// Holes, when set, is Net.StructuralHoles(), computed once for all the
	// members of a workspace.
	Holes   []analytics.Holes
	Options Options
}

// Build makes the report of in.User from the network as of in.Net.Now(). The
// member must have an own person in the network (EINVALID otherwise).
func Build(in Input) (*Report, error) {
	net, u := in.Net, in.User
	me := int32(-1)
	if u.PersonID != "" {
		me = net.Index(u.PersonID)
	}
	if me < 0 {
		return nil, graph.Errorf(graph.EINVALID, "Member %s has no own person in the workspace.", u.Name)
	}
	opt := in.Options.withDefaults()
	settings := u.Report.WithDefaults()
	loc := location(u.TimeZone)
	b := &builder{net: net, me: me, now: net.Now(), t: textsFor(u.Locale), loc: loc, opt: opt,
		threshold: time.Duration(settings.DormantDays) * 24 * time.Hour}
	b.contacts = contactsOf(net, me)
	r := &Report{
		Version: Version, Period: in.Period, GeneratedAt: net.Now().UTC(), ThresholdDays: settings.DormantDays,
		Member: Member{UserID: u.ID, Name: u.Name, PersonID: u.PersonID, Locale: b.t.Locale(), TimeZone: loc.String()},
	}
	all := net.DormantTies(me, analytics.DormantOptions{Threshold: time.Second, Follows: u.Follows,
		Limit: max(1, net.Degree(me))})
	r.Dormant = b.dormant(all)
	r.FollowUps = b.followUps()
	r.Introductions = b.introductions()
	holes := in.Holes
	if holes == nil {
		holes = net.StructuralHoles()
	}
	r.Health = b.health(all, holes[me], in.History)
	r.Deepen = b.deepen(all)
	r.Owed = b.owed()
	r.IntrosWaiting = b.introsWaiting(in.Introductions)
	r.Plan = b.plan(r)
	r.EgoMap = b.egoMap(r)
	return r, nil
}

// location returns the member's time zone, or UTC.
func location(tz string) *time.Location {
	if tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			return l
		}
	}
	return time.UTC
}

type builder struct {
	net       *analytics.Network
	me        int32
	now       time.Time
	t         *texts
	loc       *time.Location
	opt       Options
	threshold time.Duration
	contacts  map[int32]*contact
}

// contact is what the snapshot says about one of the member's ties.
type contact struct {
	times      []int64 // interactions up to now, in order
	kinds      []graph.InteractionKind
	theirs     []bool // they reached out (wrote, organised)
	captured   []bool // read from a mailbox or calendar, not logged by hand
	since      int64
	given      int // favours the member did them
	received   int // favours they did the member
	lastFavour int64
}

func (c *contact) last() (int64, graph.InteractionKind) {
	if len(c.times) == 0 {
		return 0, ""
	}
	return c.times[len(c.times)-1], c.kinds[len(c.kinds)-1]
}

// contactsOf gathers the interactions and favours of each of me's ties.
func contactsOf(net *analytics.Network, me int32) map[int32]*contact {
	snap := net.Snapshot()
	now := net.Now().Unix()
	other := map[int32]int32{} // snapshot tie → the other person
	out := map[int32]*contact{}
	for i, t := range snap.Ties {
		var o int32
		switch me {
		case t.A:
			o = t.B
		case t.B:
			o = t.A
		default:
			continue
		}
		if o == me {
			continue
		}
		other[int32(i)] = o
		c := out[o]
		if c == nil {
			c = &contact{}
			out[o] = c
		}
		if t.Since > 0 && (c.since == 0 || t.Since < c.since) {
			c.since = t.Since
		}
	}
	type ev struct {
		at       int64
		kind     graph.InteractionKind
		their    bool // they reached out
		captured bool
	}
	evs := map[int32][]ev{}
	for _, e := range snap.Events {
		o, ok := other[e.Tie]
		if !ok || e.At > now {
			continue
		}
		t := snap.Ties[e.Tie]
		byA, byB := e.Initiator == 1, e.Initiator == 2
		mine := (byA && t.A == me) || (byB && t.B == me)
		evs[o] = append(evs[o], ev{e.At, e.Kind, (byA || byB) && !mine, e.Captured})
		if e.Kind.IsFavour() && e.Initiator != 0 {
			t := snap.Ties[e.Tie]
			giver := t.A
			if e.Initiator == 2 {
				giver = t.B
			}
			c := out[o]
			if giver == me {
				c.given++
			} else {
				c.received++
			}
			c.lastFavour = max(c.lastFavour, e.At)
		}
	}
	for o, l := range evs {
		slices.SortStableFunc(l, func(a, b ev) int { return cmp.Compare(a.at, b.at) })
		c := out[o]
		for _, e := range l {
			c.times = append(c.times, e.at)
			c.kinds = append(c.kinds, e.kind)
			c.theirs = append(c.theirs, e.their)
			c.captured = append(c.captured, e.captured)
		}
	}
	return out
}

// dormant ranks the dormant ties by value × urgency.
func (b *builder) dormant(all []analytics.DormantTie) []DormantEntry {
	thresholdDays := b.threshold.Hours() / 24
	out := []DormantEntry{}
	said := map[string][]analytics.Reason{} // the analytics' reasons, by person
	for _, d := range all {
		if float64(d.DaysDormant) < thresholdDays || d.Value < b.opt.MinValue {
			continue
		}
		said[d.PersonID] = d.Reasons
		c := b.contact(d.Person)
		_, kind := c.last()
		e := DormantEntry{PersonID: d.PersonID, Name: d.Name, Headline: netmap.Headline(b.net, d.Person),
			DaysDormant: d.DaysDormant, LastInteraction: d.LastInteraction, LastKind: kind,
			Interactions: len(c.times), PastStrength: d.PastStrength, Strength: d.Strength,
			ExclusiveReach: d.ExclusiveReach, Circles: d.Circles, FollowedOrgs: d.FollowedOrgs,
			FavoursFromThem: c.received, FavoursToThem: c.given, Value: d.Value,
			Urgency: 1 - math.Exp2(-float64(d.DaysDormant)/thresholdDays)}
		e.Score = e.Value * e.Urgency
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(x, y DormantEntry) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.PersonID, y.PersonID))
	})
	out = out[:min(len(out), b.opt.Dormant)]
	for i := range out {
		e := &out[i]
		e.Reasons = b.dormantReasons(e, said[e.PersonID])
		p := b.net.Index(e.PersonID)
		e.NextStep = b.nextStep(p, e.LastInteraction, b.contact(p))
	}
	return out
}

// contact returns what is known of me's tie with p, empty when nothing is.
func (b *builder) contact(p int32) *contact {
	if c := b.contacts[p]; c != nil {
		return c
	}
	return &contact{}
}

// dormantReasons are the analytics' reasons for a dormant tie with what the
// report knows besides: the kind of the last interaction (and its day in the
// member's time zone), the interactions in all, the favours they did.
func (b *builder) dormantReasons(e *DormantEntry, said []analytics.Reason) Reasons {
	r := make([]analytics.Reason, 0, len(said)+1)
	for _, x := range said {
		x.Args = maps.Clone(x.Args)
		switch x.Code {
		case analytics.ReasonQuietFor:
			x.Args["last"] = e.LastInteraction.In(b.loc).Format(time.DateOnly)
			if e.LastKind != "" {
				x.Args["kind"] = string(e.LastKind)
			}
		case analytics.ReasonTieWas:
			delete(x.Args, "now")
			x.Args["count"] = e.Interactions
		}
		r = append(r, x)
	}
	if e.FavoursFromThem > 0 {
		r = append(r, why(analytics.ReasonFavoursFrom, "count", e.FavoursFromThem, "given", e.FavoursToThem))
	}
	return b.t.Reasons(r)
}

// reachReasons are the reasons among the analytics' that say what a contact
// gives access to: people no one else brings, circles, organisations the
// member follows.
func reachReasons(said []analytics.Reason) []analytics.Reason {
	var r []analytics.Reason
	for _, x := range said {
		switch x.Code {
		case analytics.ReasonExclusiveReach, analytics.ReasonOnlyWayInto, analytics.ReasonFollowedOrgs:
			r = append(r, x)
		}
	}
	return r
}

// why returns a reason with its arguments as key, value pairs; an argument
// whose value is "" is left out.
func why(code string, kv ...any) analytics.Reason {
	r := analytics.Reason{Code: code, Args: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		if v, ok := kv[i+1].(string); ok && v == "" {
			continue
		}
		r.Args[kv[i].(string)] = kv[i+1]
	}
	return r
}

// nextStep suggests what to do about a quiet tie, giving before asking: thank
// someone who helped, congratulate a new job, offer an introduction to what
// they are looking for, share something on their topic, or propose a call.
func (b *builder) nextStep(p int32, last time.Time, ct *contact) NextStep {
	t := b.t
	snap := b.net.Snapshot()
	sp := &snap.People[p]
	first := firstName(sp.Name)
	if ct.received > ct.given {
		return NextStep{Kind: "thank", Minutes: 10, Action: fmt.Sprintf(t.thankAction, sp.Name),
			Draft: fmt.Sprintf(t.thankDraft, first, t.MonthYear(time.Unix(ct.lastFavour, 0), b.loc))}
	}
	mine := map[int32]bool{} // where the member works now: joining it is not news to congratulate
	for _, j := range snap.People[b.me].Jobs {
		if j.End == 0 {
			mine[j.Org] = true
		}
	}
	for _, j := range sp.Jobs {
		// A new role: begun since we last spoke, in the last six months,
		// somewhere other than the member's own organisation.
		if j.End == 0 && j.Start > last.Unix() && b.now.Unix()-j.Start < newRoleDays*86400 && j.Org >= 0 &&
			int(j.Org) < len(snap.Organizations) && !mine[j.Org] {
			org := snap.Organizations[j.Org].Name
			return NextStep{Kind: "congratulate", Minutes: 5, Action: fmt.Sprintf(t.congratsAction, sp.Name, org),
				Draft: fmt.Sprintf(t.congratsDraft, first, org)}
		}
	}
	if need, via := b.helpFor(p); via >= 0 {
		need = t.Term(need)
		return NextStep{Kind: "offer_intro", Minutes: 10,
			Action: fmt.Sprintf(t.offerIntroAction, sp.Name, b.net.Name(via), need),
			Draft:  fmt.Sprintf(t.offerIntroDraft, first, need)}
	}
	if topic := t.Term(topicOf(sp)); topic != "" {
		return NextStep{Kind: "share", Minutes: 10, Action: fmt.Sprintf(t.shareAction, topic, sp.Name),
			Draft: fmt.Sprintf(t.shareDraft, first, topic)}
	}
	return NextStep{Kind: "call", Minutes: 10, Action: fmt.Sprintf(t.callAction, sp.Name), Draft: fmt.Sprintf(t.callDraft, first)}
}

// helpFor finds something p needs that another of me's contacts offers: a
// need matching their skills or tags. It returns the need and that contact.
func (b *builder) helpFor(p int32) (string, int32) {
	snap := b.net.Snapshot()
	for _, need := range snap.People[p].Needs {
		n := strings.ToLower(strings.TrimSpace(need))
		if n == "" {
			continue
		}
		for _, q := range b.net.Neighbors(b.me) {
			if q == p {
				continue
			}
			qp := &snap.People[q]
			for _, offer := range slices.Concat(qp.Skills, qp.Tags) {
				o := strings.ToLower(strings.TrimSpace(offer))
				if o != "" && (strings.Contains(n, o) || strings.Contains(o, n)) {
					return strings.TrimSpace(need), q
				}
			}
		}
	}
	return "", -1
}

func topicOf(p *graph.SnapPerson) string {
	for _, l := range [][]string{p.Skills, p.Tags} {
		for _, v := range l {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}

// followUps lists people met in the last FollowUpDays (their first
// interaction, or a new tie without one) not followed up since: the follow-up
// is due a week after meeting. For everyone else it lists a recent meeting
// or an unanswered message that ended the exchange (lastUnanswered). The
// earliest due come first.
func (b *builder) followUps() []FollowUp {
	t := b.t
	now := b.now.Unix()
	from := now - int64(b.opt.FollowUpDays)*86400
	out := []FollowUp{}
	for p, ct := range b.contacts {
		met, how := int64(0), graph.InteractionKind("")
		switch {
		case len(ct.times) > 0:
			met, how = ct.times[0], ct.kinds[0]
		case ct.since > 0:
			met = ct.since
		}
		if met == 0 || met > now {
			continue
		}
		name := b.net.Name(p)
		// Met before the window, or followed up since: what is left to
		// check is whether the last exchange waits for the member.
		followed := met < from
		for _, at := range ct.times {
			if at > met+12*3600 { // the same day's second message is not a follow-up
				followed = true
			}
		}
		if followed {
			if f, ok := b.lastUnanswered(p, ct, from, name); ok {
				out = append(out, f)
			}
			continue
		}
		due := time.Unix(met+7*86400, 0).UTC()
		f := FollowUp{PersonID: b.net.ID(p), Name: name, Why: "met", MetAt: time.Unix(met, 0).UTC(), How: how,
			DueAt: due, Overdue: b.now.After(due)}
		f.NextStep = NextStep{Kind: "follow_up", Minutes: 5, Action: fmt.Sprintf(t.followUpAction, name),
			Draft: fmt.Sprintf(t.followUpDraft, firstName(name))}
		out = append(out, f)
	}
	slices.SortFunc(out, func(x, y FollowUp) int {
		return cmp.Or(cmp.Compare(x.DueAt.Unix(), y.DueAt.Unix()), cmp.Compare(x.PersonID, y.PersonID))
	})
	return out[:min(len(out), 10)]
}

// lastUnanswered looks at the last interaction with someone known for a
// while: a meeting with nothing since (after_meeting, due two days later),
// or a message they wrote that the member never answered (unanswered, due
// three days later). Both only within the follow-up window, and only from
// captured mail and calendars: they hold every message and meeting, where
// a member who logs by hand rarely logs their own reply.
func (b *builder) lastUnanswered(p int32, ct *contact, from int64, name string) (FollowUp, bool) {
	t := b.t
	n := len(ct.times)
	if n == 0 || !ct.captured[n-1] {
		return FollowUp{}, false
	}
	last, kind := ct.times[n-1], ct.kinds[n-1]
	if last < from {
		return FollowUp{}, false
	}
	f := FollowUp{PersonID: b.net.ID(p), Name: name, MetAt: time.Unix(last, 0).UTC(), How: kind}
	switch {
	case kind == graph.KindMeeting:
		f.Why, f.DueAt = "after_meeting", time.Unix(last+2*86400, 0).UTC()
		f.NextStep = NextStep{Kind: "follow_up", Minutes: 10, Action: fmt.Sprintf(t.meetingAction, name),
			Draft: fmt.Sprintf(t.meetingDraft, firstName(name))}
	case (kind == graph.KindEmail || kind == graph.KindMessage) && ct.theirs[n-1]:
		f.Why, f.DueAt = "unanswered", time.Unix(last+3*86400, 0).UTC()
		f.NextStep = NextStep{Kind: "answer", Minutes: 10, Action: fmt.Sprintf(t.answerAction, name),
			Draft: fmt.Sprintf(t.answerDraft, firstName(name))}
	default:
		return FollowUp{}, false
	}
	if b.now.Before(f.DueAt) {
		return FollowUp{}, false // not yet: a reply in a day or two is normal
	}
	f.Overdue = true
	return f, true
}

// followUpLine says why a follow-up is due, and when, in the member's words.
func followUpLine(t *texts, f FollowUp, date func(time.Time) string) string {
	due := fmt.Sprintf(t.dueBy, date(f.DueAt))
	if f.Overdue {
		due = fmt.Sprintf(t.overdueSince, date(f.DueAt))
	}
	switch f.Why {
	case "after_meeting":
		return fmt.Sprintf(t.meetingOn, date(f.MetAt)) + "; " + due
	case "unanswered":
		return fmt.Sprintf(t.wroteOn, date(f.MetAt)) + "; " + due
	}
	how := t.newTie
	if f.How != "" {
		how = t.Kind(f.How, -1)
	}
	return fmt.Sprintf(t.metOn, date(f.MetAt)) + " (" + how + "); " + due
}

// introductions lists the best introductions the member could make.
func (b *builder) introductions() []Opportunity {
	out := []Opportunity{}
	for _, o := range b.net.BrokerOpportunities([]int32{b.me}, analytics.BrokerOptions{Limit: 3}) {
		out = append(out, Opportunity{PersonA: o.PersonA, NameA: o.NameA, PersonB: o.PersonB, NameB: o.NameB,
			Score: o.Score, Reasons: b.t.Reasons(o.Reasons)})
	}
	return out
}

// health measures the member's network now and lists the earlier reports'.
func (b *builder) health(all []analytics.DormantTie, h analytics.Holes, history []*graph.Report) Health {
	net := b.net
	var out Health
	out.Contacts = net.Degree(b.me)
	comm := net.Communities()
	circles := map[int32]bool{}
	for _, q := range net.Neighbors(b.me) {
		s, _ := net.Strength(b.me, q)
		switch {
		case s >= StrongTie:
			out.StrongTies++
		case s >= ModerateTie:
			out.ModerateTies++
		default:
			out.WeakTies++
		}
		circles[comm.Of[q]] = true
	}
	out.Circles = len(circles)
	if h.ConstraintWeighted.Valid() {
		out.Constraint = round(float64(h.ConstraintWeighted), 3)
		out.EffectiveSize = round(float64(h.EffectiveSizeWeighted), 2)
	}
	thresholdDays := int(b.threshold.Hours() / 24)
	valuable := 0
	for _, d := range all {
		if d.Value >= b.opt.Valuable {
			valuable++
			if d.DaysDormant >= thresholdDays {
				out.DormantValuable++
			}
		}
	}
	if valuable > 0 {
		out.DormantValuableShare = round(float64(out.DormantValuable)/float64(valuable), 3)
	}
	for _, ct := range b.contacts {
		out.FavoursGiven += ct.given
		out.FavoursReceived += ct.received
	}
	out.Trend = []TrendPoint{}
	for _, r := range history {
		out.Trend = append(out.Trend, TrendPoint{Period: r.Period, GeneratedAt: r.GeneratedAt, Health: r.Health})
	}
	return out
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// deepen picks the 2–3 active ties most worth deepening next quarter:
// valuable (reach, circles, followed organisations) but not yet strong, with
// some history (two interactions or more: people just met are follow-ups).
func (b *builder) deepen(all []analytics.DormantTie) []DeepenEntry {
	thresholdDays := int(b.threshold.Hours() / 24)
	type cand struct {
		d     analytics.DormantTie
		score float64
	}
	var cands []cand
	for _, d := range all {
		if d.DaysDormant >= thresholdDays || d.Strength >= StrongTie || d.Strength < 0.15 || len(b.contact(d.Person).times) < 2 {
			continue
		}
		cands = append(cands, cand{d, d.Value * (1 - d.Strength)})
	}
	slices.SortStableFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(x.d.PersonID, y.d.PersonID))
	})
	t := b.t
	out := []DeepenEntry{}
	for _, c := range cands[:min(len(cands), 3)] {
		d := c.d
		e := DeepenEntry{PersonID: d.PersonID, Name: d.Name, Headline: netmap.Headline(b.net, d.Person),
			Strength: round(d.Strength, 3), Value: round(d.Value, 3)}
		e.Reasons = t.Reasons(append([]analytics.Reason{why(analytics.ReasonRoomToGrow, "strength", d.Strength)},
			reachReasons(d.Reasons)...))
		e.NextStep = NextStep{Kind: "call", Minutes: 15, Action: fmt.Sprintf(t.deepenAction, d.Name),
			Draft: fmt.Sprintf(t.deepenDraft, firstName(d.Name))}
		out = append(out, e)
	}
	return out
}

// owed lists contacts who did the member more favours than they got back.
func (b *builder) owed() []Owed {
	out := []Owed{}
	snap := b.net.Snapshot()
	for p, ct := range b.contacts {
		if ct.received <= ct.given {
			continue
		}
		out = append(out, Owed{PersonID: b.net.ID(p), Name: b.net.Name(p), Received: ct.received, Given: ct.given,
			LastFavour: time.Unix(ct.lastFavour, 0).UTC(), Needs: snap.People[p].Needs})
	}
	slices.SortFunc(out, func(x, y Owed) int {
		return cmp.Or(cmp.Compare(y.Received-y.Given, x.Received-x.Given), cmp.Compare(x.LastFavour.Unix(), y.LastFavour.Unix()),
			cmp.Compare(x.PersonID, y.PersonID))
	})
	return out[:min(len(out), 5)]
}

// introsWaiting lists the member's introductions that wait for an action:
// requests to make or to chase, and made ones without an answer, from three
// days old to the dormancy threshold, oldest first.
func (b *builder) introsWaiting(intros []*graph.Introduction) []IntroWaiting {
	t := b.t
	me := b.net.ID(b.me)
	name := func(id string) string {
		if i := b.net.Index(id); i >= 0 {
			return b.net.Name(i)
		}
		return id
	}
	out := []IntroWaiting{}
	for _, in := range intros {
		w := IntroWaiting{IntroductionID: in.ID, Status: in.Status, Introducer: name(in.IntroducerID),
			Person: name(in.PersonID), Target: name(in.TargetID)}
		switch {
		case in.Status == graph.IntroRequested && in.IntroducerID == me:
			w.Role, w.Since = "introducer", in.RequestedAt
			w.Action = fmt.Sprintf(t.introMake, w.Person, w.Target)
		case in.Status == graph.IntroRequested:
			w.Role, w.Since = "requester", in.RequestedAt
			w.Action = fmt.Sprintf(t.introChase, w.Introducer, w.Target)
			if in.TargetID == me {
				w.Action = fmt.Sprintf(t.introChase, w.Introducer, w.Person)
			}
		case in.Status == graph.IntroMade && in.IntroducerID == me:
			w.Role, w.Since = "introducer", in.MadeAt
			w.Action = fmt.Sprintf(t.introCheck, w.Person, w.Target)
		case in.Status == graph.IntroMade:
			w.Role, w.Since = "introduced", in.MadeAt
			other := w.Target
			if in.TargetID == me {
				other = w.Person
			}
			w.Action = fmt.Sprintf(t.introFollow, other, w.Introducer)
		default:
			continue
		}
		if w.Since.IsZero() {
			w.Since = in.CreatedAt
		}
		w.Days = int(b.now.Sub(w.Since).Hours() / 24)
		// Give people a few days before chasing; past the dormancy
		// threshold an introduction is history, not a task.
		if w.Days < 3 || float64(w.Days) >= b.threshold.Hours()/24 {
			continue
		}
		out = append(out, w)
	}
	slices.SortFunc(out, func(x, y IntroWaiting) int {
		return cmp.Or(cmp.Compare(x.Since.Unix(), y.Since.Unix()), cmp.Compare(x.IntroductionID, y.IntroductionID))
	})
	return out[:min(len(out), 5)]
}

// plan picks the week's actions in order of importance — overdue follow-ups,
// dormant ties, favours owed, an introduction to make, introductions waiting,
// a tie to deepen — within 60 minutes, filling up to 30 with a review.
func (b *builder) plan(r *Report) Plan {
	t := b.t
	type act struct {
		minutes  int
		action   string
		personID string
	}
	var acts []act
	for _, f := range r.FollowUps[:min(2, len(r.FollowUps))] {
		acts = append(acts, act{f.NextStep.Minutes, f.NextStep.Action, f.PersonID})
	}
	for _, d := range r.Dormant[:min(2, len(r.Dormant))] {
		acts = append(acts, act{d.NextStep.Minutes, d.NextStep.Action, d.PersonID})
	}
	if len(r.Owed) > 0 && !slices.ContainsFunc(acts, func(a act) bool { return a.personID == r.Owed[0].PersonID }) {
		acts = append(acts, act{10, fmt.Sprintf(t.owedAction, r.Owed[0].Name), r.Owed[0].PersonID})
	}
	if len(r.Introductions) > 0 {
		o := r.Introductions[0]
		acts = append(acts, act{10, fmt.Sprintf(t.introduceAction, o.NameA, o.NameB), ""})
	}
	if len(r.IntrosWaiting) > 0 {
		acts = append(acts, act{5, r.IntrosWaiting[0].Action, ""})
	}
	if len(r.Deepen) > 0 {
		acts = append(acts, act{r.Deepen[0].NextStep.Minutes, r.Deepen[0].NextStep.Action, r.Deepen[0].PersonID})
	}
	p := Plan{Items: []PlanItem{}}
	for _, a := range acts {
		if p.Minutes+a.minutes > 60 {
			continue
		}
		p.Minutes += a.minutes
		p.Items = append(p.Items, PlanItem{Minutes: a.minutes, Action: a.action, PersonID: a.personID})
	}
	if p.Minutes < 30 {
		m := 30 - p.Minutes
		p.Items = append(p.Items, PlanItem{Minutes: m, Action: t.reviewAction})
		p.Minutes = 30
	}
	for i := range p.Items {
		p.Items[i].Day = t.weekdays[min(i, 4)]
		if len(p.Items) <= 5 {
			continue
		}
		p.Items[i].Day = t.weekdays[i*5/len(p.Items)]
	}
	return p
}
