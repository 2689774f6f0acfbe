package importer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// monthNames are the month names of the languages LinkedIn exports in
// (English, German, Spanish, French, Portuguese), folded. A word names a
// month when it is a prefix of at least three letters of names of that month
// only: "Mär", "mars", "janv.", "set", "out" all work; "jui" (juin or
// juillet) does not.
var monthNames = [12][]string{
	{"january", "januar", "janner", "enero", "janvier", "janeiro"},
	{"february", "februar", "febrero", "fevrier", "fevereiro"},
	{"march", "marz", "maerz", "mrz", "marzo", "mars", "marco"},
	{"april", "abril", "avril"},
	{"may", "mai", "mayo", "maio"},
	{"june", "juni", "junio", "juin", "junho"},
	{"july", "juli", "julio", "juillet", "julho"},
	{"august", "agosto", "aout"},
	{"september", "septiembre", "setiembre", "septembre", "setembro"},
	{"october", "oktober", "octubre", "octobre", "outubro"},
	{"november", "noviembre", "novembre", "novembro"},
	{"december", "dezember", "diciembre", "decembre", "dezembro"},
}

// monthOf returns the month a folded word names, or 0.
func monthOf(w string) time.Month {
	if len(w) < 3 {
		return 0
	}
	var found time.Month
	for i, names := range monthNames {
		for _, n := range names {
			if strings.HasPrefix(n, w) {
				if found != 0 && found != time.Month(i+1) {
					return 0
				}
				found = time.Month(i + 1)
			}
		}
	}
	return found
}

// fillers are words that stand between the parts of a written date:
// "15 de mar. de 2023", "15. März 2023", "March 15, 2023".
var fillers = map[string]bool{"de": true, "del": true, "du": true, "of": true, "the": true, "el": true, "le": true}

var isoLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05",
	"2006-01-02 15:04", "2006-01-02",
}

// parseDate reads the dates found in exports: ISO 8601, "15 Mar 2023",
// "March 15, 2023", localised month names and abbreviations ("15 mars
// 2023", "15 de mar. de 2023", "15. März 2023"), and numeric dates. A numeric
// date is day first unless monthFirst says the file is American English
// (both read the same when the day is above 12). Dates without a zone are in
// loc. An empty string is the zero time.
func parseDate(s string, monthFirst bool, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range isoLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				return time.Time{}, fmt.Errorf("date out of range %q", s)
			}
			return t, nil
		}
	}
	var nums []int
	var numLens []int
	var month time.Month
	for _, tok := range strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if fillers[tok] {
			continue
		}
		if n, err := strconv.Atoi(tok); err == nil && len(tok) <= 4 {
			nums = append(nums, n)
			numLens = append(numLens, len(tok))
			continue
		}
		m := monthOf(tok)
		if m == 0 || month != 0 {
			return time.Time{}, fmt.Errorf("unrecognised date %q", s)
		}
		month = m
	}
	var y, m, d int
	switch {
	case month != 0 && len(nums) == 2:
		m = int(month)
		if numLens[0] == 4 || nums[0] > 31 {
			y, d = nums[0], nums[1]
		} else {
			d, y = nums[0], nums[1]
		}
	case month == 0 && len(nums) == 3 && numLens[0] == 4:
		y, m, d = nums[0], nums[1], nums[2]
	case month == 0 && len(nums) == 3:
		a, b := nums[0], nums[1]
		y = nums[2]
		switch {
		case a > 12:
			d, m = a, b
		case b > 12:
			m, d = a, b
		case monthFirst:
			m, d = a, b
		default:
			d, m = a, b
		}
	default:
		return time.Time{}, fmt.Errorf("unrecognised date %q", s)
	}
	if y < 100 {
		y += 2000
	}
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, fmt.Errorf("unrecognised date %q", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d {
		return time.Time{}, fmt.Errorf("no such day %q", s)
	}
	return t, nil
}
