package importer

import (
	"bufio"
	"bytes"
	"errors"
	"strings"

	"github.com/nexohq/nexo/graph"
)

// SniffLen is how many leading bytes of a file Sniff wants.
const SniffLen = sniffLen

// Sniff tells the format of a file from its first bytes (SniffLen are
// enough): a ZIP is LinkedIn's export, BEGIN:VCARD a vCard, BEGIN:VCALENDAR
// an iCalendar file, Nexo's export header a restore, and a CSV is told apart
// by its header's column names, past any preamble. A UTF-8 or UTF-16
// byte-order mark is allowed. It returns an EINVALID error for anything else.
func Sniff(head []byte) (Format, error) {
	if isZip(head) {
		return FormatLinkedIn, nil
	}
	br, err := decodeCharset(bufio.NewReader(bytes.NewReader(head)), "")
	if err != nil {
		return "", err
	}
	text, _ := br.Peek(sniffLen)
	if bytes.IndexByte(text, 0) >= 0 {
		return "", graph.Errorf(graph.EINVALID, "This is a binary file, not a CSV, vCard, iCalendar or Nexo export.")
	}
	return sniffText(text)
}

// sniffText tells the format of UTF-8 text.
func sniffText(head []byte) (Format, error) {
	text := bytes.TrimLeft(head, " \t\r\n")
	upper := bytes.ToUpper(text[:min(len(text), 32)])
	switch {
	case bytes.HasPrefix(upper, []byte("BEGIN:VCARD")):
		return FormatVCard, nil
	case bytes.HasPrefix(upper, []byte("BEGIN:VCALENDAR")):
		return FormatICS, nil
	case bytes.HasPrefix(text, []byte("{")):
		first, _, _ := bytes.Cut(text, []byte("\n"))
		if bytes.Contains(first, []byte(`"`+exportMagic+`"`)) {
			return FormatNexo, nil
		}
	}
	headers := []struct {
		f  Format
		is func([]string) bool
	}{
		{FormatLinkedIn, isLinkedInHeader},
		{FormatGoogle, isGoogleHeader},
		{FormatInteractions, isInteractionsHeader},
	}
	for _, c := range headers {
		_, err := openCSV(bufio.NewReader(bytes.NewReader(head)), c.is)
		if err == nil {
			return c.f, nil
		}
		if !errors.Is(err, errNoHeader) {
			return "", err
		}
	}
	return "", graph.Errorf(graph.EINVALID, "Unrecognised file: Nexo imports LinkedIn's Connections.csv or data-export ZIP, "+
		"Google Contacts CSV, vCard (.vcf), an interactions CSV (%s), iCalendar (.ics) and its own export.", strings.Join(interactionsHeader, ","))
}

var interactionsHeader = []string{"date", "person", "kind", "notes", "initiated_by"}
