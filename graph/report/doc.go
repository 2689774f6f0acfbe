// Package report makes, formats, schedules and delivers the periodic review
// of a member's network: "Revisa tu red: ¿a quién no has contactado en los
// últimos 6 meses?", answered every week without being asked.
//
// Build turns a member's analytics.Network into a Report: the dormant ties
// of high value ranked by value × dormancy with the reasons and a suggested
// next step with a short message draft in the member's language (English or
// Spanish) in the spirit of "give before you ask"; the follow-ups due;
// introductions the member could make; the network's health and its trend
// over the previous reports; the people to deepen next quarter; the favours
// owed; introductions waiting for a follow-up; and a week's plan of 30 to 60
// minutes. Markdown and HTML render it (the HTML is email-ready, with the ego
// map as an inline PNG); JSON is the Report itself.
//
// A Service stores reports in the graph.Store and delivers them by email
// (SMTP with STARTTLS or TLS) and webhook (HMAC-SHA256 signed), with retries
// and exponential backoff. A Scheduler runs each member's cron schedule in
// their time zone. Every scheduled report has a period key (its slot), unique
// per member in the store, and every delivery is claimed in the store before
// it is sent, so a scheduler that restarts neither repeats a report nor
// sends one twice, and catches up the slot it missed.
package report
