package graph

import (
	"slices"
	"strings"
	"time"
)

// Merge records that one person (the absorbed) was merged into another (the
// survivor): everything the absorbed had moved to the survivor, and the
// absorbed person was deleted. The store keeps what an unmerge needs to put
// both back as they were; UndoneAt is set once that happened.
type Merge struct {
	ID           string      `json:"id"`
	WorkspaceID  string      `json:"workspace_id"`
	SurvivorID   string      `json:"survivor_id"`
	AbsorbedID   string      `json:"absorbed_id"`
	AbsorbedName string      `json:"absorbed_name"`
	By           string      `json:"by,omitempty"` // the member who merged; empty for an import's automatic merge
	Auto         bool        `json:"auto,omitempty"`
	At           time.Time   `json:"at"`
	Moved        MergeCounts `json:"moved"`
	UndoneAt     time.Time   `json:"undone_at,omitzero"`
	UndoneBy     string      `json:"undone_by,omitempty"`
}

// MergeCounts counts what a merge moves to the survivor.
type MergeCounts struct {
	Ties          int `json:"ties"`
	Combined      int `json:"combined"` // ties both had to the same person, made one
	Interactions  int `json:"interactions"`
	Introductions int `json:"introductions"`
	Notes         int `json:"notes"`
	Positions     int `json:"positions"`
	Members       int `json:"members"`
}

// MergeOptions say who merges, and whether it is an import's automatic
// merge. SurvivorVersion and AbsorbedVersion, when set, are the UpdatedAt
// of the two people as the merger saw them (in a preview): a merge of
// people changed since, by another merge among others, is ECONFLICT.
type MergeOptions struct {
	By              string
	Auto            bool
	SurvivorVersion time.Time
	AbsorbedVersion time.Time
}

// UnmergeOptions say who unmerges and who keeps what was added to the
// merged person since the merge: "survivor" (the default) or "absorbed".
type UnmergeOptions struct {
	By    string
	NewTo string
}

// Keepers of what was added to a merged person since the merge.
const (
	KeepSurvivor = "survivor"
	KeepAbsorbed = "absorbed"
)

// MergeFilter selects merges, newest first.
type MergeFilter struct {
	PersonID string // merges this person survived or was absorbed in
	Offset   int
	Limit    int
}

// Validate checks paging bounds.
func (f *MergeFilter) Validate() error { return validatePage(&f.Offset, &f.Limit) }

// scalarFields are the single-valued fields MergePeople chooses between.
var scalarFields = []string{"name", "first_name", "last_name", "title", "location"}

// MergePeople returns the person the survivor becomes when absorbed is
// merged into it. Lists (emails, phones, URLs, tags, skills, needs,
// user-edited fields, match keys) are united, the survivor's entries first.
// A scalar field keeps the survivor's value, unless it is empty, or the
// absorbed's was edited by a user and the survivor's was not. The absorbed
// person's LinkedIn URL and vCard UID, when the survivor has others, become
// match keys, so a re-import of the absorbed's source finds the survivor.
// Provenance says, for each field, where its value came from.
func MergePeople(survivor, absorbed *Person) *Person {
	out := *survivor
	edited := func(p *Person, f string) bool { return slices.Contains(p.UserEdited, f) }
	prov := map[string]string{}
	from := func(p *Person, f string) string {
		if v := p.Provenance[f]; v != "" {
			return v
		}
		if edited(p, f) {
			return "manual"
		}
		return p.Source
	}
	scalar := map[string][2]*string{
		"name": {&out.Name, &absorbed.Name}, "first_name": {&out.FirstName, &absorbed.FirstName},
		"last_name": {&out.LastName, &absorbed.LastName}, "title": {&out.Title, &absorbed.Title},
		"location": {&out.Location, &absorbed.Location},
	}
	for _, f := range scalarFields {
		dst, src := scalar[f][0], scalar[f][1]
		switch {
		case *src != "" && (*dst == "" || (edited(absorbed, f) && !edited(survivor, f))):
			*dst = *src
			prov[f] = from(absorbed, f)
		case *dst != "":
			prov[f] = from(survivor, f)
		}
	}
	lists := map[string][2]*[]string{
		"emails": {&out.Emails, &absorbed.Emails}, "phones": {&out.Phones, &absorbed.Phones},
		"urls": {&out.URLs, &absorbed.URLs}, "tags": {&out.Tags, &absorbed.Tags},
		"skills": {&out.Skills, &absorbed.Skills}, "needs": {&out.Needs, &absorbed.Needs},
	}
	for f, l := range lists {
		mine := len(*l[0]) > 0
		united := CleanList(append(slices.Clone(*l[0]), *l[1]...))
		theirs := len(united) > len(*l[0])
		*l[0] = united
		switch {
		case mine && theirs:
			prov[f] = joinSources(from(survivor, f), from(absorbed, f))
		case mine:
			prov[f] = from(survivor, f)
		case theirs:
			prov[f] = from(absorbed, f)
		}
	}
	out.MatchKeys = slices.Clone(survivor.MatchKeys)
	switch {
	case out.LinkedInURL == "" && absorbed.LinkedInURL != "":
		out.LinkedInURL = absorbed.LinkedInURL
		prov["linkedin_url"] = from(absorbed, "linkedin_url")
	case absorbed.LinkedInURL != "" && absorbed.LinkedInURL != out.LinkedInURL:
		out.MatchKeys = append(out.MatchKeys, MatchKey(MatchLinkedIn, absorbed.LinkedInURL))
		prov["linkedin_url"] = from(survivor, "linkedin_url")
	case out.LinkedInURL != "":
		prov["linkedin_url"] = from(survivor, "linkedin_url")
	}
	switch {
	case out.ExternalID == "" && absorbed.ExternalID != "":
		out.ExternalID = absorbed.ExternalID
	case absorbed.ExternalID != "" && !strings.EqualFold(absorbed.ExternalID, out.ExternalID):
		out.MatchKeys = append(out.MatchKeys, MatchKey(MatchUID, strings.ToLower(strings.TrimPrefix(absorbed.ExternalID, "urn:uuid:"))))
	}
	out.MatchKeys = CleanList(append(out.MatchKeys, absorbed.MatchKeys...))
	out.UserEdited = CleanList(append(slices.Clone(survivor.UserEdited), absorbed.UserEdited...))
	out.Provenance = prov
	out.Company = ""
	return &out
}

func joinSources(a, b string) string {
	if a == b {
		return a
	}
	return a + ", " + b
}
