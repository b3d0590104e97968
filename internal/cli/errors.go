package cli

import (
	"errors"
	"fmt"

	"github.com/baseline-scanner/baseline/internal/scan"
)

// Exit codes, as README.md ("Exit codes") documents them; scan.ExitCode decides them.
const (
	ExitOK         = scan.ExitOK
	ExitFailing    = scan.ExitFailing
	ExitUsage      = scan.ExitUsage
	ExitIncomplete = scan.ExitIncomplete
)

// exitError is nil for ExitOK, else an ExitError carrying code.
func exitError(code int) error {
	if code == ExitOK {
		return nil
	}
	return &ExitError{Code: code}
}

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
