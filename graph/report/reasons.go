package report

import (
	"encoding/json"
	"strings"

	"github.com/nexohq/nexo/analytics"
)

// Reasons are the reasons of a report entry, worded in the member's language
// when the report was built (each has its Text).
type Reasons []analytics.Reason

// UnmarshalJSON reads reasons as codes with their text, or as the plain
// sentences of a version 1 report.
func (r *Reasons) UnmarshalJSON(b []byte) error {
	var v2 []analytics.Reason
	if err := json.Unmarshal(b, &v2); err == nil {
		*r = v2
		return nil
	}
	var v1 []string
	if err := json.Unmarshal(b, &v1); err != nil {
		return err
	}
	out := make(Reasons, len(v1))
	for i, s := range v1 {
		out[i] = analytics.Reason{Text: s}
	}
	*r = out
	return nil
}

// Texts returns the worded reasons.
func (r Reasons) Texts() []string {
	out := make([]string, len(r))
	for i, x := range r {
		out[i] = x.Text
	}
	return out
}

// String joins the worded reasons with "; ".
func (r Reasons) String() string { return strings.Join(r.Texts(), "; ") }
