package cli

import (
	"errors"
	"fmt"
)

// Exit codes, as README.md ("Exit codes") documents them.
const (
	ExitOK         = 0 // nothing failing at or above --fail-on
	ExitFailing    = 1 // failing controls at or above --fail-on
	ExitUsage      = 2 // usage, configuration or fatal error
	ExitIncomplete = 3 // collection errors, nothing failing at the threshold
)

// ExitError carries the exit code of a command that ran to completion but
// whose verdict is not "all clear". Its message is empty: the report already
// said everything.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ExitCode maps an error from Execute to the process exit code: nil is 0, an
// ExitError its code, anything else (usage, configuration, fatal) 2.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var exit *ExitError
	if errors.As(err, &exit) {
		return exit.Code
	}
	return ExitUsage
}
