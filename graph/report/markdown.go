package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
)

// healthRow is one line of the health table: the metric, its value now, the
// change since the previous report and its values over the reports (oldest
// first, now last).
type healthRow struct {
	Label, Now, Change, Series string
}

// healthRows lays out the health with its trend. For constraint and the
// dormant share lower is better; the arrows say only up or down.
func healthRows(r *Report, t *texts) []healthRow {
	type metric struct {
		pct    bool
		digits int
		get    func(h graph.ReportHealth) float64
	}
	metrics := []metric{
		{false, 0, func(h graph.ReportHealth) float64 { return float64(h.StrongTies) }},
		{false, 0, func(h graph.ReportHealth) float64 { return float64(h.WeakTies) }},
		{false, 0, func(h graph.ReportHealth) float64 { return float64(h.Circles) }},
		{false, 2, func(h graph.ReportHealth) float64 { return h.Constraint }},
		{false, 1, func(h graph.ReportHealth) float64 { return h.EffectiveSize }},
		{true, 0, func(h graph.ReportHealth) float64 { return h.DormantValuableShare }},
		{false, 0, func(h graph.ReportHealth) float64 { return float64(h.FavoursGiven) }},
		{false, 0, func(h graph.ReportHealth) float64 { return float64(h.FavoursReceived) }},
		{false, 0, func(h graph.ReportHealth) float64 { return float64(h.FavoursGiven - h.FavoursReceived) }},
	}
	// The series runs over the last five reports and now, oldest first.
	hist := r.Health.Trend[:min(len(r.Health.Trend), 5)]
	rows := make([]healthRow, len(metrics))
	for i, m := range metrics {
		format := func(v float64) string {
			if m.pct {
				return t.Num(100*v, 0) + "%"
			}
			return t.Num(v, m.digits)
		}
		now := m.get(r.Health.ReportHealth)
		row := healthRow{Label: t.metrics[i], Now: format(now), Change: "–"}
		if len(hist) > 0 {
			d := now - m.get(hist[0].Health)
			if m.pct {
				d *= 100
			}
			switch {
			case math.Abs(d) < 1e-9:
				row.Change = "="
			case d > 0:
				row.Change = "▲ " + t.Num(d, m.digits)
			default:
				row.Change = "▼ " + t.Num(-d, m.digits)
			}
		}
		var series []string
		for j := len(hist) - 1; j >= 0; j-- {
			series = append(series, format(m.get(hist[j].Health)))
		}
		row.Series = strings.Join(append(series, format(now)), " → ")
		rows[i] = row
	}
	return rows
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`,
	"#", `\#`, "|", `\|`, "`", "\\`")

// md escapes text for Markdown.
func md(s string) string { return mdEscaper.Replace(s) }

// Markdown renders the report as Markdown, in the member's language.
func Markdown(r *Report) []byte {
	t := textsFor(r.Member.Locale)
	loc := location(r.Member.TimeZone)
	date := func(at time.Time) string { return t.Date(at, loc) }
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# %s — %s\n\n", t.title, md(r.Member.Name))
	p("_%s_\n", md(fmt.Sprintf(t.subtitle, date(r.GeneratedAt), r.ThresholdDays)))

	p("\n## %s\n\n", t.dormantH)
	if len(r.Dormant) == 0 {
		p("%s\n", t.nothing)
	}
	for i, d := range r.Dormant {
		p("%d. **%s**", i+1, md(d.Name))
		if d.Headline != "" {
			p(" — %s", md(d.Headline))
		}
		p("\n   - %s: %s\n", t.why, md(d.Reasons.String()))
		p("   - %s (%d %s): %s\n", t.nextStep, d.NextStep.Minutes, t.minutes, md(d.NextStep.Action))
		p("\n     > %s\n\n", md(d.NextStep.Draft))
	}

	p("\n## %s\n\n", t.followUpsH)
	if len(r.FollowUps) == 0 {
		p("%s\n", t.nothing)
	}
	for _, f := range r.FollowUps {
		p("- **%s** — %s\n\n  > %s\n\n", md(f.Name), md(followUpLine(t, f, date)), md(f.NextStep.Draft))
	}

	p("\n## %s\n\n", t.introductionsH)
	if len(r.Introductions) == 0 {
		p("%s\n", t.nothing)
	}
	for _, o := range r.Introductions {
		p("- **%s** ↔ **%s**: %s\n", md(o.NameA), md(o.NameB), md(o.Reasons.String()))
	}

	p("\n## %s\n\n", t.healthH)
	p("| | %s | %s | %s |\n|---|---:|---:|---|\n", t.healthNow, t.healthPrev, t.healthTrend)
	for _, row := range healthRows(r, t) {
		p("| %s | %s | %s | %s |\n", row.Label, row.Now, row.Change, row.Series)
	}
	p("\n%s\n\n_%s_\n", md(counted(t.quote, r.Health.StrongTies, r.Health.Contacts)), md(t.healthNote))

	p("\n## %s\n\n", t.deepenH)
	if len(r.Deepen) == 0 {
		p("%s\n", t.nothing)
	}
	for _, d := range r.Deepen {
		p("- **%s**", md(d.Name))
		if d.Headline != "" {
			p(" — %s", md(d.Headline))
		}
		p(": %s. %s.\n", md(d.Reasons.String()), md(d.NextStep.Action))
	}

	p("\n## %s\n\n", t.owedH)
	if len(r.Owed) == 0 {
		p("%s\n", t.nothing)
	}
	for _, o := range r.Owed {
		p("- **%s** %s", md(o.Name), md(counted(t.owedLine, o.Received, o.Given, date(o.LastFavour))))
		if len(o.Needs) > 0 {
			p(" — %s", md(strings.Join(t.Terms(o.Needs), ", ")))
		}
		p("\n")
	}

	p("\n## %s\n\n", t.waitingH)
	if len(r.IntrosWaiting) == 0 {
		p("%s\n", t.nothing)
	}
	for _, w := range r.IntrosWaiting {
		p("- %s (%s)\n", md(w.Action), md(t.waiting(w)))
	}

	p("\n## %s (%s)\n\n", t.planH, fmt.Sprintf(t.planTotal, r.Plan.Minutes))
	for _, it := range r.Plan.Items {
		p("- [ ] **%s** · %d %s · %s\n", it.Day, it.Minutes, t.minutes, md(it.Action))
	}
	p("\n---\n%s\n", t.footer)
	return []byte(b.String())
}
