package graph

// setIf copies *src to *dst when src is set: the updates' Apply methods
// (PersonUpdate, UserUpdate, ReportSettingsUpdate…) change only the fields
// a request names.
func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}
