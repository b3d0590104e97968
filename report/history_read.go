package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ReadHistory reads the JSON reports under dir (recursively: in CI each
// downloaded artifact is a folder of its own), for --history. A .json file
// that is not a baseline report (a snapshot, a diff, another tool's JSON) is
// left out and named in skipped; a baseline report that does not read (bad
// JSON, unknown schema version, invalid statuses) is an error naming it.
func ReadHistory(dir string) (reports []*Report, skipped []string, err error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("history: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("history: %s: not a directory (give the folder of earlier JSON reports)", dir)
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		if d.IsDir() || !d.Type().IsRegular() || !strings.EqualFold(filepath.Ext(path), ".json") {
			return nil
		}
		rep, err := ReadReport(path)
		if errors.Is(err, errNotReport) {
			skipped = append(skipped, path)
			return nil
		}
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		reports = append(reports, rep)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return reports, skipped, nil
}
