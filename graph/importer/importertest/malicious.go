// Package importertest makes the hostile files that every import format
// must refuse quickly with a clear error: the ones an adversarial run used
// to burn minutes of CPU (an 8 MB vCard of folded lines, an .ics with an
// 800 KB attendee name) and their cousins. The importer's own tests and the
// API's adversarial suite both use them.
package importertest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"strings"
	"syscall"
	"testing"
	"time"
)

// MaxCPU is what refusing one hostile file may cost. The files took 54 s to
// 5 min 33 s before the parsers were bounded; refused, they take
// milliseconds, so this bound only catches a return of quadratic code.
const MaxCPU = 2 * time.Second

// CPU is the CPU time the process has used so far, user and system: a
// measure of work that other processes on the machine do not inflate.
func CPU(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// File is a hostile file and what refusing it must say.
type File struct {
	Name   string
	Format string // the format as the API names it; "" lets the importer sniff
	Data   func() []byte
	Want   string // part of the error message
}

const (
	vcardHead = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mallory\r\n"
	vcardTail = "END:VCARD\r\n"
	icsHead   = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20250101T100000Z\r\n"
	icsTail   = "END:VEVENT\r\nEND:VCALENDAR\r\n"

	linkedInHeader     = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
	googleHeader       = "Name,Given Name,Family Name,E-mail 1 - Value,Organization 1 - Name,Notes\n"
	interactionsHeader = "date,person,kind,notes,initiated_by\n"
)

// folded is a property of n continuation lines of 4 bytes: 8 MB is two
// million of them, the file go-vcard used to take 5 minutes over.
func folded(prop string, n int) string {
	return prop + ":a\r\n" + strings.Repeat(" a\r\n", n)
}

// Malicious returns the hostile files, one of each kind.
func Malicious() []File {
	huge := strings.Repeat("a", 800<<10)
	return []File{
		{"VCardFolded8MB", "vcard", func() []byte { return []byte(vcardHead + folded("NOTE", 2<<20) + vcardTail) },
			"folded over more than"},
		{"VCardFoldedPhoto8MB", "", func() []byte { return []byte(vcardHead + folded("PHOTO;ENCODING=b", 2<<20) + vcardTail) },
			"folded over more than"},
		{"VCardLongProperty", "vcard", func() []byte {
			return []byte(vcardHead + "NOTE:" + strings.Repeat("b", 300<<10) + "\r\n" + vcardTail)
		}, "longer than 256 KiB after unfolding"},
		{"VCardLongParameter", "vcard", func() []byte {
			return []byte(vcardHead + "EMAIL;TYPE=" + huge + ":m@example.com\r\n" + vcardTail)
		}, "parameter value longer than 1 KiB"},
		{"VCardManyProperties", "vcard", func() []byte {
			return []byte(vcardHead + strings.Repeat("TEL:+1 555 0100\r\n", 6000) + vcardTail)
		}, "more than 5000 properties"},
		{"VCardNested", "vcard", func() []byte {
			return []byte(strings.Repeat("BEGIN:VCARD\r\n", 100000) + "FN:X\r\n" + strings.Repeat("END:VCARD\r\n", 100000))
		}, "nested more than 16 deep"},
		{"ICSAttendeeName800KB", "ics", func() []byte {
			return []byte(icsHead + "ATTENDEE;CN=" + huge + ":mailto:a@example.com\r\n" + icsTail)
		}, "parameter value longer than 1 KiB"},
		{"ICSQuotedAttendeeName800KB", "", func() []byte {
			return []byte(icsHead + "ATTENDEE;CN=\"" + huge + "\":mailto:a@example.com\r\n" + icsTail)
		}, "parameter value longer than 1 KiB"},
		{"ICSManyParameters", "ics", func() []byte {
			return []byte(icsHead + "ATTENDEE" + strings.Repeat(";X-A=a", 1000) + ":mailto:a@example.com\r\n" + icsTail)
		}, "name and parameters longer than 4 KiB"},
		{"ICSFolded8MB", "ics", func() []byte { return []byte(icsHead + folded("DESCRIPTION", 2<<20) + icsTail) },
			"folded over more than"},
		{"ICSNested", "ics", func() []byte {
			return []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + strings.Repeat("BEGIN:VALARM\r\n", 100000))
		}, "nested more than 16 deep"},
		{"LinkedInHugeField", "linkedin", func() []byte {
			return []byte(linkedInHeader + "Ann,\"" + strings.Repeat("x", 8<<20) + "\",,,,,\n")
		}, "a row longer than 1 MiB"},
		{"GoogleHugeField", "google", func() []byte {
			return []byte(googleHeader + "Ann Lee,Ann,Lee,,,\"" + strings.Repeat("x", 8<<20) + "\"\n")
		}, "a row longer than 1 MiB"},
		{"InteractionsHugeField", "interactions", func() []byte {
			return []byte(interactionsHeader + "2025-01-01,Ann Lee,call,\"" + strings.Repeat("x", 8<<20) + "\",me\n")
		}, "a row longer than 1 MiB"},
		{"ZipBombDeclared", "", func() []byte { return zipBomb(1<<40, 1<<20) }, "larger than the"},
		{"ZipBombLying", "linkedin", func() []byte { return zipBomb(100, 32<<20) }, "ZIP archive is truncated or damaged"},
		{"ZipNested", "", func() []byte {
			inner := zipBomb(100, 1<<20)
			for range 8 {
				inner = zipOf("Connections.csv", inner)
			}
			return inner
		}, "binary file"},
	}
}

// zipBomb is a ZIP whose Connections.csv inflates to real bytes of zeros
// but declares declared bytes.
func zipBomb(declared uint64, real int) []byte {
	var body bytes.Buffer
	fw, _ := flate.NewWriter(&body, flate.BestCompression)
	fw.Write(make([]byte, real))
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "Basic_LinkedInDataExport/Connections.csv", Method: zip.Deflate,
		CompressedSize64: uint64(body.Len()), UncompressedSize64: declared})
	if err != nil {
		panic(err)
	}
	w.Write(body.Bytes())
	zw.Close()
	return buf.Bytes()
}

// zipOf is a ZIP holding data under name.
func zipOf(name string, data []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create(name)
	w.Write(data)
	zw.Close()
	return buf.Bytes()
}
