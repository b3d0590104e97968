// Package yamlfile is the one way baseline reads a YAML file: the policy
// config, waivers, teams and simulator world files all go through it, so
// they share one strict decoder, one set of bounds and one error format.
//
// Every error about the content of a file is one line,
//
//	file:line:col: message
//
// pointing at the offending node (Error); only cancellation and a decoder
// panic, which have no position, read "file: message", and I/O errors are
// those of the os package.
//
// Before anything is decoded a document is bounded and checked:
//   - its size: Limits.MaxBytes (10 MiB by default; the world file allows
//     more), enforced while reading, so an endless file is never read whole;
//   - its aliases: the nodes that aliases add once expanded are counted
//     without expanding them and must stay under Limits.MaxAliasNodes (a
//     300-byte "billion laughs" config used to take 11 s and 773 MB); an
//     alias inside the anchor it names is refused;
//   - one document per file (a second one would be silently ignored), and no
//     tags (`!name`), which none of the files need and which crash the
//     decoder on some inputs.
//
// Decoding is strict: an unknown field, a duplicate key or a value of the
// wrong type is an error at its position.
//
// Cancellation (a SIGINT cancels the CLI's context): reading, parsing and
// decoding run on a goroutine and every call returns as soon as ctx is done.
// goccy/go-yaml cannot be interrupted, so an abandoned parse or decode
// finishes in the background, its work bounded by the limits above, and its
// result is discarded; an abandoned read stops at its next 64 KiB chunk, or
// when a blocked open or read (a FIFO with no writer) returns. A decoder panic is recovered and reported as an error naming
// the file.
package yamlfile
