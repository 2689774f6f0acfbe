// Package importer brings the exports people already have into a Nexo
// workspace: LinkedIn's Connections.csv (alone or inside the data-export ZIP),
// Google Contacts CSV, vCard 3.0 and 4.0, interactions from a simple CSV or an
// iCalendar file, and Nexo's own JSON Lines export, which Export writes and
// Restore reads back.
//
// An import runs in three steps, kept apart so that the middle one is pure:
//
//	parse:  a file → a stream of records, each with the line it started on
//	plan:   the workspace's existing entities + the records → a graph.Batch and a Report
//	write:  Store.Upsert of the batch, in one transaction
//
// Records are matched to existing people only by an identifier they share:
// vCard UID, email (normalised: case, plus-addressing, Gmail's dots),
// LinkedIn URL, or phone number (E.164) when the names agree too. Two
// records with different identifiers are never one person automatically,
// and a name with an organisation is never a match (two María Garcías at
// Telefónica are ordinary); package identity proposes such pairs for a
// person to confirm. A record without any identifier finds the person an
// earlier import of the same row made, by the row's key (source, name and
// organisation) kept in Person.MatchKeys. So importing the same file twice
// changes nothing. A re-import updates what came from imports but never what a user
// changed by hand (Person.UserEdited), never a manual tie strength, and never
// a note: imported notes are only ever added. Tags are united.
//
// Files are read as a stream; what an import holds in memory is the match
// index of the workspace and the batch it is about to write, not the file.
package importer
