// Package importertest makes import files for tests and benchmarks of the
// packages that drive imports (graph/importer, api, cmd/nexo).
package importertest

import (
	"bytes"
	"fmt"
)

// ConnectionsCSV generates a LinkedIn export of n invented connections at
// n/10 companies, with the preamble and CRLF endings of the real thing.
func ConnectionsCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeffNotes:\r\n\"Generated for a benchmark.\"\r\n\r\n")
	b.WriteString("First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n")
	months := []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	for i := range n {
		email := ""
		if i%7 == 0 {
			email = fmt.Sprintf("person%d@example.com", i)
		}
		fmt.Fprintf(&b, "Given%d,Family%d,https://www.linkedin.com/in/person-%d,%s,\"Company %d, Ltd\",Engineer %d,%02d %s %d\r\n",
			i, i, i, email, i%(n/10+1), i%50, i%28+1, months[i%12], 2010+i%15)
	}
	return b.Bytes()
}
