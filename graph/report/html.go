package report

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"
)

// HTML renders the report as an email-ready HTML page in the member's
// language: one column, inline styles only (mail clients drop style sheets),
// and the ego map as an <img> whose source is egoSrc — "cid:…" for the
// inline attachment of an email, a data: URI for a browser, or "" for no map.
func HTML(r *Report, egoSrc string) ([]byte, error) {
	t := textsFor(r.Member.Locale)
	loc := location(r.Member.TimeZone)
	date := func(at time.Time) string { return t.Date(at, loc) }
	v := htmlView{R: r, L: htmlLabels(t), EgoSrc: template.URL(egoSrc), Health: healthRows(r, t),
		Title:    t.title + " — " + r.Member.Name,
		Subtitle: fmt.Sprintf(t.subtitle, date(r.GeneratedAt), r.ThresholdDays),
		Quote:    counted(t.quote, r.Health.StrongTies, r.Health.Contacts),
		PlanH:    t.planH + " (" + fmt.Sprintf(t.planTotal, r.Plan.Minutes) + ")"}
	for _, f := range r.FollowUps {
		v.FollowUps = append(v.FollowUps, followUpView{f, followUpLine(t, f, date)})
	}
	for _, o := range r.Owed {
		line := counted(t.owedLine, o.Received, o.Given, date(o.LastFavour))
		if len(o.Needs) > 0 {
			line += " — " + strings.Join(t.Terms(o.Needs), ", ")
		}
		v.Owed = append(v.Owed, lineView{o.Name, line})
	}
	for _, w := range r.IntrosWaiting {
		v.Waiting = append(v.Waiting, lineView{w.Action, t.waiting(w)})
	}
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("render report html: %w", err)
	}
	return b.Bytes(), nil
}

// htmlLabels gives the template the words it shows.
func htmlLabels(t *texts) map[string]string {
	return map[string]string{"egoAlt": t.egoAlt, "dormantH": t.dormantH, "why": t.why, "nextStep": t.nextStep,
		"minutes": t.minutes, "nothing": t.nothing, "followUpsH": t.followUpsH, "introductionsH": t.introductionsH,
		"healthH": t.healthH, "healthNow": t.healthNow, "healthPrev": t.healthPrev, "healthTrend": t.healthTrend, "healthNote": t.healthNote,
		"deepenH": t.deepenH, "owedH": t.owedH, "waitingH": t.waitingH, "footer": t.footer}
}

type htmlView struct {
	R                             *Report
	L                             map[string]string // the labels of texts, by field name
	EgoSrc                        template.URL
	Title, Subtitle, Quote, PlanH string
	Health                        []healthRow
	FollowUps                     []followUpView
	Owed, Waiting                 []lineView
}

type followUpView struct {
	FollowUp
	Line string
}

type lineView struct{ Name, Line string }

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"join": func(r Reasons) string { return r.String() },
}).Parse(`<!DOCTYPE html>
<html lang="{{.R.Member.Locale}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<div style="max-width:640px;margin:0 auto;padding:24px;background:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1f2328;">
<h1 style="font-size:22px;margin:0 0 4px;">{{.Title}}</h1>
<p style="margin:0 0 16px;color:#57606a;font-size:13px;">{{.Subtitle}}</p>
{{if .EgoSrc}}<p style="margin:0 0 16px;"><img src="{{.EgoSrc}}" alt="{{.L.egoAlt}}" width="600" style="display:block;max-width:100%;height:auto;border:0;"></p>{{end}}

<h2 style="font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;">{{.L.dormantH}}</h2>
{{range $i, $d := .R.Dormant}}<div style="margin:0 0 16px;">
<p style="margin:0;"><strong>{{$d.Name}}</strong>{{if $d.Headline}} <span style="color:#57606a;">— {{$d.Headline}}</span>{{end}}</p>
<p style="margin:4px 0;font-size:13px;color:#57606a;">{{$.L.why}}: {{join $d.Reasons}}</p>
<p style="margin:4px 0;">{{$.L.nextStep}} ({{$d.NextStep.Minutes}} {{$.L.minutes}}): {{$d.NextStep.Action}}</p>
<blockquote style="margin:4px 0 0;padding:8px 12px;border-left:3px solid #0969da;background:#f6f8fa;">{{$d.NextStep.Draft}}</blockquote>
</div>{{else}}<p>{{.L.nothing}}</p>{{end}}

<h2 style="font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;">{{.L.followUpsH}}</h2>
{{range .FollowUps}}<div style="margin:0 0 12px;">
<p style="margin:0;"><strong>{{.Name}}</strong> — {{.Line}}{{if .Overdue}} <span style="color:#cf222e;">●</span>{{end}}</p>
<blockquote style="margin:4px 0 0;padding:8px 12px;border-left:3px solid #0969da;background:#f6f8fa;">{{.NextStep.Draft}}</blockquote>
</div>{{else}}<p>{{.L.nothing}}</p>{{end}}

<h2 style="font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;">{{.L.introductionsH}}</h2>
{{if .R.Introductions}}<ul style="margin:0;padding-left:20px;">{{range .R.Introductions}}
<li><strong>{{.NameA}}</strong> ↔ <strong>{{.NameB}}</strong>: {{join .Reasons}}</li>{{end}}
</ul>{{else}}<p>{{.L.nothing}}</p>{{end}}

<h2 style="font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;">{{.L.healthH}}</h2>
<table role="presentation" cellpadding="4" cellspacing="0" style="border-collapse:collapse;width:100%;font-size:14px;">
<tr style="background:#f6f8fa;"><th align="left"></th><th align="right">{{.L.healthNow}}</th><th align="right">{{.L.healthPrev}}</th><th align="left">{{.L.healthTrend}}</th></tr>
{{range .Health}}<tr style="border-top:1px solid #d0d7de;"><td>{{.Label}}</td><td align="right"><strong>{{.Now}}</strong></td><td align="right">{{.Change}}</td><td style="color:#57606a;">{{.Series}}</td></tr>
{{end}}</table>
<p style="margin:8px 0 0;font-style:italic;">{{.Quote}}</p>
<p style="margin:6px 0 0;font-size:12px;color:#57606a;">{{.L.healthNote}}</p>

<h2 style="font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;">{{.L.deepenH}}</h2>
{{if .R.Deepen}}<ul style="margin:0;padding-left:20px;">{{range .R.Deepen}}
<li><strong>{{.Name}}</strong>{{if .Headline}} — {{.Headline}}{{end}}: {{join .Reasons}}. {{.NextStep.Action}}.</li>{{end}}
</ul>{{else}}<p>{{.L.nothing}}</p>{{end}}

<h2 style="font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;">{{.L.owedH}}</h2>
{{if .Owed}}<ul style="margin:0;padding-left:20px;">{{range .Owed}}
<li><strong>{{.Name}}</strong> {{.Line}}</li>{{end}}
</ul>{{else}}<p>{{.L.nothing}}</p>{{end}}

<h2 style="font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;">{{.L.waitingH}}</h2>
{{if .Waiting}}<ul style="margin:0;padding-left:20px;">{{range .Waiting}}
<li>{{.Name}} <span style="color:#57606a;">({{.Line}})</span></li>{{end}}
</ul>{{else}}<p>{{.L.nothing}}</p>{{end}}

<h2 style="font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;">{{.PlanH}}</h2>
<table role="presentation" cellpadding="4" cellspacing="0" style="border-collapse:collapse;width:100%;font-size:14px;">
{{range .R.Plan.Items}}<tr style="border-top:1px solid #d0d7de;"><td style="white-space:nowrap;"><strong>{{.Day}}</strong></td><td style="white-space:nowrap;">{{.Minutes}} {{$.L.minutes}}</td><td>{{.Action}}</td></tr>
{{end}}</table>

<p style="margin:24px 0 0;font-size:12px;color:#57606a;">{{.L.footer}}</p>
</div>
</body>
</html>
`))
