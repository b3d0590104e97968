// Package ghaction holds the tests of the repository's GitHub Action
// (action.yml and the scripts in .github/actions/scan/): they run the
// action's shell steps against the simulator with a fake GitHub environment
// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, the artifacts API on a local server)
// and check the job summary, the report files, the outputs and the exit code.
package ghaction
