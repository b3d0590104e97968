package report

// ErrorOwned are the results whose cause is a collection error, in their
// order: owned by the error owner (their team), shown in a section of their
// own rather than among a dev team's failures. Writers and views use it.
func ErrorOwned(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if r.Cause == CauseCollectionError {
			out = append(out, r)
		}
	}
	return out
}
