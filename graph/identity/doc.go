// Package identity finds the people (and organisations) of a workspace who
// are likely to be one, and says why. It is pure: its input is the records
// and ties of a workspace, its output scored pairs and clusters with the
// evidence for each; it does no I/O.
//
// Two kinds of evidence count. Identifiers: a shared email (normalised:
// case, plus-addressing, Gmail's dots), LinkedIn profile, phone number
// (E.164) or vCard UID. Two records that share one are the same person; two
// records that carry different identifiers of one kind and share none are
// never merged automatically. Fuzzy evidence: names that agree (accents,
// initials, "García"/"Garcia", swapped order, nicknames such as Pepe/José
// or Bill/William), the same organisation, shared contacts. It only ever
// proposes a pair for a person to confirm.
//
// Candidates are found by blocking, never by comparing all pairs: records
// are grouped under keys (an identifier, a surname with a given name's
// first letter, ...) and only records sharing a key are compared.
package identity
