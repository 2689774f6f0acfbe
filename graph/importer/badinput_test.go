package importer

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/nexohq/nexo/graph"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func makeZip(tb testing.TB, files map[string][]byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

const linkedInHeader = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"

// nestedVCard is a card nested depth deep: the vCard form of billion laughs.
func nestedVCard(depth int) []byte {
	return []byte(strings.Repeat("BEGIN:VCARD\r\n", depth) + "FN:X\r\n" + strings.Repeat("END:VCARD\r\n", depth))
}

// badInputs are files that must fail with a clear error of the given code
// and message, never a panic.
var badInputs = []struct {
	name   string
	data   func(tb testing.TB) []byte
	format Format
	opts   Options
	code   string
	msg    string
}{
	{name: "NotCSV", data: func(testing.TB) []byte { return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") },
		code: graph.EINVALID, msg: "binary file"},
	{name: "PlainText", data: func(testing.TB) []byte { return []byte("Dear diary,\ntoday I met nobody.\n") },
		code: graph.EINVALID, msg: "Unrecognised file"},
	{name: "CSVWithoutKnownHeader", data: func(testing.TB) []byte { return []byte("a,b,c\n1,2,3\n") },
		format: FormatLinkedIn, code: graph.EINVALID, msg: "No LinkedIn header"},
	{name: "WrongEncoding", data: func(tb testing.TB) []byte {
		b, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(linkedInHeader + "José,Müller,,,Café,,15 Mar 2023\n"))
		return b
	}, code: graph.EINVALID, msg: "Line 2: not UTF-8"},
	{name: "TruncatedZip", data: func(tb testing.TB) []byte {
		z := makeZip(tb, map[string][]byte{"Connections.csv": fixture(tb, "linkedin_en.csv")})
		return z[:len(z)/2]
	}, code: graph.EINVALID, msg: "ZIP archive is truncated or damaged"},
	{name: "ZipWithoutConnections", data: func(tb testing.TB) []byte {
		return makeZip(tb, map[string][]byte{"export/Profile.csv": []byte("x\n")})
	}, code: graph.EINVALID, msg: "no Connections.csv"},
	{name: "ZipAsVCard", data: func(tb testing.TB) []byte {
		return makeZip(tb, map[string][]byte{"Connections.csv": []byte("x\n")})
	}, format: FormatVCard, code: graph.EINVALID, msg: "ZIP archive"},
	{name: "HugeKnownSize", data: func(testing.TB) []byte { return []byte(linkedInHeader) },
		opts: Options{Size: 2 << 30}, code: graph.ETOOLARGE, msg: "512 MiB limit"},
	{name: "HugeStream", data: func(testing.TB) []byte {
		return []byte(linkedInHeader + strings.Repeat("Ann,Lee,,,,,\n", 2000))
	}, opts: Options{MaxBytes: 4096}, code: graph.ETOOLARGE, msg: "4 KiB limit"},
	{name: "BillionLaughsVCard", data: func(testing.TB) []byte { return nestedVCard(100000) },
		code: graph.EINVALID, msg: "nested more than 16 deep"},
	{name: "BillionLaughsICS", data: func(testing.TB) []byte {
		return []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + strings.Repeat("BEGIN:VALARM\r\n", 100000))
	}, code: graph.EINVALID, msg: "nested more than 16 deep"},
	{name: "OpenQuote", data: func(testing.TB) []byte {
		return []byte(linkedInHeader + "Ann,\"Lee" + strings.Repeat("x,y\n", 300000))
	}, code: graph.EINVALID, msg: "a row longer than 1 MiB"},
	{name: "BareQuote", data: func(testing.TB) []byte { return []byte(linkedInHeader + "Ann,Lee,,,,,\nBo,Li\"u,,,,,\n") },
		code: graph.EINVALID, msg: "Line 3: not valid CSV"},
	{name: "NoCards", data: func(testing.TB) []byte { return []byte("FN:Nobody\r\n") },
		format: FormatVCard, code: graph.EINVALID, msg: "No vCard found"},
	{name: "UnknownCharset", data: func(testing.TB) []byte { return []byte(linkedInHeader) },
		opts: Options{Charset: "klingon-8"}, code: graph.EINVALID, msg: "Unknown charset"},
}

func TestBadInput(t *testing.T) {
	for _, tt := range badInputs {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseAll(t, tt.data(t), tt.format, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if graph.ErrorCode(err) != tt.code || !strings.Contains(graph.ErrorMessage(err), tt.msg) {
				t.Errorf("got %s %q, want %s containing %q", graph.ErrorCode(err), graph.ErrorMessage(err), tt.code, tt.msg)
			}
		})
	}
}

// TestEncodings reads UTF-16 with a byte-order mark, and a Windows-1252 file
// when its charset is named.
func TestEncodings(t *testing.T) {
	text := linkedInHeader + "José,Müller,,,Café Größe,,15 Mar 2023\n"
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	cp1252, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(text))
	for _, tc := range []struct {
		name string
		data []byte
		opts Options
	}{
		{"UTF16", utf16, Options{}},
		{"Windows1252", cp1252, Options{Charset: "windows-1252"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, _, err := parseAll(t, tc.data, FormatAuto, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1 || recs[0].contact == nil || recs[0].contact.first != "José" || recs[0].contact.org != "Café Größe" {
				t.Errorf("got %+v", recs)
			}
		})
	}
}

// TestNestedVCardKept keeps a card with a nested AGENT card, without the
// nested one, and with a warning.
func TestNestedVCardKept(t *testing.T) {
	data := []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Outer Person\r\nBEGIN:VCARD\r\nFN:Inner\r\nEND:VCARD\r\nEMAIL:outer@example.com\r\nEND:VCARD\r\n")
	recs, _, err := parseAll(t, data, FormatAuto, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].contact == nil || recs[0].contact.name != "Outer Person" ||
		len(recs[0].contact.emails) != 1 || len(recs[0].warnings) != 1 {
		t.Errorf("got %+v", recs)
	}
}

// TestCutShortVCard skips the last card of a file cut short, with the reason.
func TestCutShortVCard(t *testing.T) {
	data := fixture(t, "contacts_v4.vcf")
	recs, _, err := parseAll(t, data[:len(data)-20], FormatVCard, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if last := recs[len(recs)-1]; !strings.Contains(last.skip, "cut short") {
		t.Errorf("last card: skip %q, want cut short", last.skip)
	}
}

func TestSniff(t *testing.T) {
	for _, tt := range []struct {
		file string
		want Format
	}{
		{"linkedin_en.csv", FormatLinkedIn}, {"linkedin_pt.csv", FormatLinkedIn},
		{"google_current.csv", FormatGoogle}, {"google_legacy.csv", FormatGoogle},
		{"contacts_v3.vcf", FormatVCard}, {"interactions.csv", FormatInteractions}, {"calendar.ics", FormatICS},
	} {
		data := fixture(t, tt.file)
		got, err := Sniff(data[:min(len(data), SniffLen)])
		if err != nil || got != tt.want {
			t.Errorf("Sniff(%s) = %q, %v; want %q", tt.file, got, err, tt.want)
		}
	}
	if got, err := Sniff(makeZip(t, map[string][]byte{"a": nil})); err != nil || got != FormatLinkedIn {
		t.Errorf("Sniff(zip) = %q, %v", got, err)
	}
	if _, err := Sniff([]byte("%PDF-1.7\n\x00\x01")); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("Sniff(pdf): %v, want EINVALID", err)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range append([]Format{FormatAuto}, Formats...) {
		if got, err := ParseFormat(" " + strings.ToUpper(string(f)) + " "); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("excel"); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("ParseFormat(excel): %v", err)
	}
}
