package i18n

import (
	"fmt"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

var monthsEN = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

var nounsEN = map[Noun][2]string{
	People: {"person", "people"}, Ties: {"tie", "ties"}, Interactions: {"interaction", "interactions"},
	Circles: {"circle", "circles"}, Contacts: {"contact", "contacts"}, Paths: {"path", "paths"},
	Days: {"day", "days"}, Members: {"member", "members"}, Favours: {"favour", "favours"},
	Brokers: {"broker", "brokers"}, Minutes: {"minute", "minutes"}, Rows: {"row", "rows"},
	FollowUps: {"follow-up", "follow-ups"}, Times: {"time", "times"},
}

var kindsEN = map[graph.InteractionKind][2]string{
	graph.KindMessage: {"message", "messages"}, graph.KindEmail: {"email", "emails"},
	graph.KindCall: {"call", "calls"}, graph.KindCoffee: {"coffee", "coffees"},
	graph.KindMeeting: {"meeting", "meetings"}, graph.KindEvent: {"event", "events"},
	graph.KindFavourGiven: {"favour given", "favours given"}, graph.KindFavourReceived: {"favour received", "favours received"},
}

var reasonsEN = map[string]func(p *Printer, a args) string{
	analytics.ReasonSetByHand: func(p *Printer, a args) string {
		return "strength set by hand to " + p.Num(a.float("strength"), 2)
	},
	analytics.ReasonWorkedTogether: func(p *Printer, a args) string { return "worked together at " + a.str("org") },
	analytics.ReasonSameOrgApart: func(p *Printer, a args) string {
		return "both worked at " + a.str("org") + " (at different times)"
	},
	analytics.ReasonTieContext:     func(p *Printer, a args) string { return a.str("text") },
	analytics.ReasonNoInteractions: func(p *Printer, a args) string { return "no interactions logged" },
	analytics.ReasonInteractions: func(p *Printer, a args) string {
		if n := a.int("count"); n != 1 {
			return fmt.Sprintf("%s, the last on %s", p.Count(n, Interactions), a.date(p, "last"))
		}
		return "1 interaction, on " + a.date(p, "last")
	},
	analytics.ReasonKinds:        func(p *Printer, a args) string { return a.kinds(p) },
	analytics.ReasonBothReachOut: func(p *Printer, a args) string { return "both reach out" },
	analytics.ReasonReachedOut: func(p *Printer, a args) string {
		return fmt.Sprintf("%s reached out %d of %s", a.str("name"), a.int("count"), p.Count(a.int("of"), Times))
	},
	analytics.ReasonFavours: func(p *Printer, a args) string {
		return fmt.Sprintf("favours: %s did %d, %s did %d", a.str("name_a"), a.int("count_a"), a.str("name_b"), a.int("count_b"))
	},
	analytics.ReasonKnownSince: func(p *Printer, a args) string { return "known since " + a.date(p, "date") },
	analytics.ReasonLastAgo: func(p *Printer, a args) string {
		return fmt.Sprintf("last interaction on %s, %s ago", a.date(p, "date"), p.Count(a.int("days"), Days))
	},
	analytics.ReasonInWindow: func(p *Printer, a args) string {
		return fmt.Sprintf("%s in the last %s", p.Count(a.int("count"), Interactions), p.Count(a.int("days"), Days))
	},
	analytics.ReasonPlanned: func(p *Printer, a args) string {
		return fmt.Sprintf("%d planned, the next on %s (counts from that day)", a.int("count"), a.date(p, "next"))
	},

	analytics.ReasonQuietFor: func(p *Printer, a args) string {
		if k := a.str("kind"); k != "" {
			return fmt.Sprintf("no interaction for %s (the last: %s, %s)", p.Count(a.int("days"), Days),
				article(p.Kind(graph.InteractionKind(k), -1)), a.date(p, "last"))
		}
		return fmt.Sprintf("no interaction for %s (the last on %s)", p.Count(a.int("days"), Days), a.date(p, "last"))
	},
	analytics.ReasonTieWas: func(p *Printer, a args) string {
		past := a.float("past")
		if _, ok := a["count"]; ok {
			return fmt.Sprintf("the tie was %s (strength %s, %s)", p.Band(past), p.Num(past, 2), p.Count(a.int("count"), Interactions))
		}
		return fmt.Sprintf("the tie was %s (strength %s, now %s)", p.Band(past), p.Num(past, 2), p.Num(a.float("now"), 2))
	},
	analytics.ReasonRoomToGrow: func(p *Printer, a args) string {
		s := a.float("strength")
		return fmt.Sprintf("the tie is %s (strength %s): room to grow", p.Band(s), p.Num(s, 2))
	},
	analytics.ReasonExclusiveReach: func(p *Printer, a args) string {
		if n := a.int("count"); n != 1 {
			return fmt.Sprintf("knows %d people none of your other contacts know", n)
		}
		return "knows 1 person none of your other contacts knows"
	},
	analytics.ReasonOnlyWayInto: func(p *Printer, a args) string {
		return "your only way into the " + a.str("circle") + " circle"
	},
	analytics.ReasonFollowedOrgs: func(p *Printer, a args) string {
		return "reaches " + p.List(a.strs("orgs")) + ", which you follow"
	},
	analytics.ReasonBalanced: func(p *Printer, a args) string { return "a balanced, reciprocal tie" },
	analytics.ReasonFavoursFrom: func(p *Printer, a args) string {
		return fmt.Sprintf("did you %s (you did them %d)", p.Count(a.int("count"), Favours), a.int("given"))
	},

	analytics.ReasonWorksAt: func(p *Printer, a args) string { return "works at " + a.str("org") },
	analytics.ReasonKnowsPeopleAt: func(p *Printer, a args) string {
		return fmt.Sprintf("knows %s at %s", p.Count(a.int("count"), People), a.str("org"))
	},
	analytics.ReasonModeratelyWeak: func(p *Printer, a args) string {
		return fmt.Sprintf("a moderately weak tie (%s, strength %s): the kind Rajkumar et al. (2022) found most useful for changing jobs",
			mutualEN(p, a.int("mutual")), p.Num(a.float("strength"), 2))
	},
	analytics.ReasonCloseCircle: func(p *Printer, a args) string {
		return mutualEN(p, a.int("mutual")) + ": a close circle, likely to know the same openings you do"
	},
	analytics.ReasonMutual: func(p *Printer, a args) string {
		return fmt.Sprintf("%s, strength %s", mutualEN(p, a.int("mutual")), p.Num(a.float("strength"), 2))
	},

	analytics.ReasonNeedsOffers: func(p *Printer, a args) string {
		return fmt.Sprintf("%s needs %s; %s offers %s", a.str("name_a"), a.str("need"), a.str("name_b"), a.str("offer"))
	},
	analytics.ReasonBothInto:     func(p *Printer, a args) string { return "both into " + a.str("topic") },
	analytics.ReasonBothKnow:     func(p *Printer, a args) string { return "both know " + a.str("skill") },
	analytics.ReasonBothWorkedAt: func(p *Printer, a args) string { return "both have worked at " + a.str("org") },
	analytics.ReasonDifferentCircles: func(p *Printer, a args) string {
		return "in different circles: " + a.str("circle_a") + " and " + a.str("circle_b")
	},
	analytics.ReasonMutualBesidesYou: func(p *Printer, a args) string {
		if a.int("count") == 0 {
			return "no mutual contacts besides you"
		}
		return mutualEN(p, a.int("count")) + " besides you"
	},
}

func mutualEN(p *Printer, n int) string {
	if n == 1 {
		return "1 mutual contact"
	}
	return fmt.Sprintf("%d mutual contacts", n)
}

// article puts "a" or "an" before a noun phrase, unless it has one.
func article(s string) string {
	if s == "" || len(s) > 2 && s[:2] == "a " {
		return s
	}
	switch s[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + s
	}
	return "a " + s
}
