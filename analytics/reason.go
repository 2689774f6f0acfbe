package analytics

import (
	"slices"
	"time"
)

// Reason is one reason behind an answer — why a tie is warm, why a dormant
// tie matters, why two contacts should meet — as a code and its arguments.
// The analytics never word a reason: graph/i18n does, in English or Spanish,
// for the API, the report, the maps and the CLI alike, and fills Text. A
// program can act on Code and Args without parsing sentences.
//
// Args hold only strings, ints, float64s (strengths 0–1), string slices and,
// for ReasonInteractionKinds, a map of interaction kind to count. Dates are
// "YYYY-MM-DD" strings in UTC.
type Reason struct {
	Code string         `json:"code"`
	Args map[string]any `json:"args,omitempty"`
	Text string         `json:"text,omitempty"`
}

// Reason codes, each with the arguments it carries.
const (
	// Strength of a tie (ExplainTie, and every step of an intro path).
	ReasonSetByHand      = "set_by_hand"       // strength
	ReasonWorkedTogether = "worked_together"   // org
	ReasonSameOrgApart   = "same_org_apart"    // org: both worked there, at different times
	ReasonTieContext     = "tie_context"       // text: the tie's context as a member wrote it
	ReasonNoInteractions = "no_interactions"   //
	ReasonInteractions   = "interactions"      // count, last (date)
	ReasonKinds          = "interaction_kinds" // kinds: {kind: count}
	ReasonBothReachOut   = "both_reach_out"    //
	ReasonReachedOut     = "reached_out"       // name, count, of: name started count of the of exchanges
	ReasonFavours        = "favours"           // name_a, count_a, name_b, count_b: favours each did the other
	ReasonKnownSince     = "known_since"       // date
	ReasonLastAgo        = "last_ago"          // date, days: the last interaction (a strength component)
	ReasonInWindow       = "in_window"         // count, days: interactions in the last days (a strength component)
	ReasonPlanned        = "planned"           // count, next (date): interactions dated after now, which count from their day

	// Dormant ties (DormantTies).
	ReasonQuietFor       = "quiet_for"        // days, last (date), kind (optional: the last interaction's kind)
	ReasonTieWas         = "tie_was"          // past, now (strengths), count (optional: interactions)
	ReasonRoomToGrow     = "room_to_grow"     // strength: an active tie that is not yet strong
	ReasonExclusiveReach = "exclusive_reach"  // count: people none of the member's other contacts know
	ReasonOnlyWayInto    = "only_way_into"    // circle
	ReasonFollowedOrgs   = "reaches_followed" // orgs ([]string)
	ReasonBalanced       = "balanced"         // a balanced, reciprocal tie
	ReasonFavoursFrom    = "favours_from"     // count, given: favours they did the member, and the member them

	// Job search (JobSearch).
	ReasonWorksAt        = "works_at"        // org
	ReasonKnowsPeopleAt  = "knows_people_at" // count, org
	ReasonModeratelyWeak = "moderately_weak" // mutual, strength: the ties Rajkumar et al. (2022) found most useful
	ReasonCloseCircle    = "close_circle"    // mutual: likely to know the same openings
	ReasonMutual         = "mutual"          // mutual, strength

	// Introductions to make (BrokerOpportunities).
	ReasonNeedsOffers      = "needs_offers"       // name_a, need, name_b, offer
	ReasonBothInto         = "both_into"          // topic (a shared tag)
	ReasonBothKnow         = "both_know"          // skill
	ReasonBothWorkedAt     = "both_worked_at"     // org
	ReasonDifferentCircles = "different_circles"  // circle_a, circle_b
	ReasonMutualBesidesYou = "mutual_besides_you" // count
)

// ReasonCodes lists every reason code, for documents and tests that must
// cover them all.
var ReasonCodes = []string{
	ReasonSetByHand, ReasonWorkedTogether, ReasonSameOrgApart, ReasonTieContext, ReasonNoInteractions,
	ReasonInteractions, ReasonKinds, ReasonBothReachOut, ReasonReachedOut, ReasonFavours, ReasonKnownSince,
	ReasonLastAgo, ReasonInWindow, ReasonPlanned,
	ReasonQuietFor, ReasonTieWas, ReasonRoomToGrow, ReasonExclusiveReach, ReasonOnlyWayInto, ReasonFollowedOrgs,
	ReasonBalanced, ReasonFavoursFrom,
	ReasonWorksAt, ReasonKnowsPeopleAt, ReasonModeratelyWeak, ReasonCloseCircle, ReasonMutual,
	ReasonNeedsOffers, ReasonBothInto, ReasonBothKnow, ReasonBothWorkedAt, ReasonDifferentCircles, ReasonMutualBesidesYou,
}

// reason returns a Reason with its arguments given as key, value pairs.
func reason(code string, kv ...any) Reason {
	r := Reason{Code: code}
	if len(kv) > 0 {
		r.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			r.Args[kv[i].(string)] = kv[i+1]
		}
	}
	return r
}

// sameReason reports whether two reasons say the same: one code, equal
// scalar arguments (reasons with slice or map arguments never compare equal).
func sameReason(a, b Reason) bool {
	if a.Code != b.Code || len(a.Args) != len(b.Args) {
		return false
	}
	for k, v := range a.Args {
		w, ok := b.Args[k]
		if !ok || !comparable(v) || !comparable(w) || v != w {
			return false
		}
	}
	return true
}

func comparable(v any) bool {
	switch v.(type) {
	case string, int, float64, bool:
		return true
	}
	return false
}

// HasReason reports whether one of reasons has the code.
func HasReason(reasons []Reason, code string) bool {
	return slices.ContainsFunc(reasons, func(r Reason) bool { return r.Code == code })
}

// day is the reasons' date format.
func day(unix int64) string { return time.Unix(unix, 0).UTC().Format(time.DateOnly) }
