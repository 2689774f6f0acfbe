// Package identity finds the people (and organisations) of a workspace who
// are likely to be one, and says why. It is pure: its input is the records
// and ties of a workspace, its output scored pairs and clusters with the
// evidence for each; it does no I/O.
//
// Two kinds of evidence count. Identifiers: a shared email (normalised:
// case, plus-addressing, Gmail's dots), LinkedIn profile, phone number
// (E.164) or vCard UID. Two records that share one are the same person; two
// records that carry different identifiers of one kind and share none are
// never merged automatically. Fuzzy evidence only ever proposes a pair for
// a person to confirm: names that agree, the same organisation, shared
// contacts, and against: different profiles, mailboxes, employers.
//
// Names are compared by part (Fellegi and Sunter 1969, with the name's
// frequency in the workspace): a name is split into given names and
// surnames ("García López, Ana"; "José Luis García"), and given names are
// compared with given names (accents, case, nicknames such as Pepe/José or
// Bill/William, an initial, a typo seen once; "Mª", "Fco." and the
// compound names written as one word, "Juanma", are written out first),
// surnames with surnames ("Fdez.", "Glez." written out too; a
// second surname may be missing, but two different ones disagree). An
// address used as a name is read as one with the workspace's words as its
// vocabulary: agarcia, a.garcia, ana.garcia, garcia.ana, anag. How much
// agreeing names say depends on how many people of the workspace could
// have the name: records under one name key that cannot be one person
// (one import's records, different profiles or employers, names that
// disagree) are that many people, and the pair is one of them. At an
// organisation both records have, only the namesakes there count.
//
// Candidates are found by blocking, never by comparing all pairs: records
// are grouped under keys (an identifier, two words of the name, an initial
// and a surname, the forms an address takes of the name, at each
// organisation) and only records sharing a key are compared.
package identity
