package report

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/displaywidth"
)

// This file is the one escaping layer of every output, one function per
// medium. Writers never escape on their own: text from AWS or from a user
// (account and team names, resources, messages, file names in errors) goes
// through exactly one of these before it is written.
//
//   - terminal (table writer, diff and policies tables, stderr): TerminalText,
//     cell and cellMiddle — escape sequences removed whole, control, format
//     and bidirectional characters removed, white space folded;
//   - Markdown: mdText and mdEscape — the terminal cleaning, then every
//     character Markdown or its inline HTML would interpret escaped;
//   - HTML: htmlText — the terminal cleaning; html/template then escapes for
//     the context (element, attribute, URL), so the writer never builds markup
//     from strings;
//   - JUnit XML: xmlText — the terminal cleaning (CI shows these strings in
//     logs); encoding/xml escapes the markup;
//   - JSON and NDJSON: their encoders escape, and the data stays exactly as
//     collected.

// TerminalText is text made safe for a terminal line: escape sequences and
// control, format and bidirectional characters removed, white space folded.
// Everything baseline prints that AWS or a user supplied goes through it.
func TerminalText(s string) string { return clean(s) }

// clean removes terminal escape sequences whole (CSI, OSC, DCS, SOS, PM, APC
// and the two-character escapes, introduced by ESC or by their 8-bit C1
// form), then turns every other control character (C0, DEL, C1), format
// character (zero-width, bidirectional overrides) and white space into a
// separator, and joins the remaining words with one space. Bytes that are
// not UTF-8 become U+FFFD: a lone 0x9B is CSI to some terminals.
//
// A sequence that is not complete loses its ESC (or C1 introducer), which
// becomes a separator like any control character; the rest is then plain
// text, which no terminal interprets.
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a separator is pending
	for i := 0; i < len(s); {
		if n := escapeLen(s[i:]); n > 0 {
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r) // utf8.RuneError for invalid bytes: U+FFFD
	}
	return b.String()
}

// C1 controls that introduce sequences, in their UTF-8 form.
const (
	c1DCS = '\u0090'
	c1SOS = '\u0098'
	c1CSI = '\u009b'
	c1ST  = '\u009c'
	c1OSC = '\u009d'
	c1PM  = '\u009e'
	c1APC = '\u009f'
)

// escapeLen is the length in bytes of the complete escape sequence s starts
// with, or 0 when it starts with none (or with an unterminated one, whose
// introducer the caller then drops as a control character).
func escapeLen(s string) int {
	if s == "" {
		return 0
	}
	if s[0] == 0x1b {
		if len(s) < 2 {
			return 0
		}
		switch c := s[1]; {
		case c == '[':
			return csiLen(s, 2)
		case c == ']':
			return stringLen(s, 2, true)
		case c == 'P' || c == 'X' || c == '^' || c == '_':
			return stringLen(s, 2, false)
		case c >= 0x20 && c <= 0x2f: // nF: intermediates, then a final byte
			j := 2
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
				j++
			}
			if j < len(s) && s[j] >= 0x30 && s[j] <= 0x7e {
				return j + 1
			}
			return 0
		case c >= 0x30 && c <= 0x7e: // Fp, Fe, Fs: ESC 7, ESC c (reset), ...
			return 2
		}
		return 0
	}
	r, size := utf8.DecodeRuneInString(s)
	switch r {
	case c1CSI:
		return csiLen(s, size)
	case c1OSC:
		return stringLen(s, size, true)
	case c1DCS, c1SOS, c1PM, c1APC:
		return stringLen(s, size, false)
	}
	return 0
}

// csiLen: parameter bytes, intermediate bytes, one final byte (ECMA-48 5.4).
func csiLen(s string, j int) int {
	for j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f {
		j++
	}
	for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
		j++
	}
	if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
		return j + 1
	}
	return 0
}

// stringLen: a control string up to its terminator, ST (ESC \ or U+009C) or,
// for OSC as terminals accept it, BEL.
func stringLen(s string, j int, bel bool) int {
	for j < len(s) {
		switch {
		case s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\':
			return j + 2
		case s[j] == 0x07 && bel:
			return j + 1
		case strings.HasPrefix(s[j:], string(c1ST)):
			return j + len(string(c1ST))
		}
		j++
	}
	return 0
}

// cell makes untrusted text safe for one terminal table cell: clean, and
// text wider than max cells (when max > 0) is cut and ends in "...".
func cell(s string, max int) string {
	s = clean(s)
	if max <= 0 || width(s) <= max {
		return s
	}
	return strings.TrimRight(prefix(s, max-3), " ") + "..."
}

// cellMiddle is cell for identifiers whose both ends matter: it keeps the
// start and the end and drops the middle.
func cellMiddle(s string, max int) string {
	s = clean(s)
	if max <= 0 || width(s) <= max {
		return s
	}
	tail := (max - 3) / 2
	r := []rune(s)
	end := len(r)
	for w := 0; end > 0; end-- {
		w += width(string(r[end-1]))
		if w > tail {
			break
		}
	}
	suffix := string(r[end:])
	return prefix(s, max-3-width(suffix)) + "..." + suffix
}

// prefix is the longest prefix of s at most max cells wide.
func prefix(s string, max int) string {
	w := 0
	for i, r := range s {
		w += width(string(r))
		if w > max {
			return s[:i]
		}
	}
	return s
}

// width is the display width of s in terminal cells, rune by rune, East
// Asian ambiguous characters counted narrow whatever the locale.
func width(s string) int {
	n := 0
	for _, r := range s {
		n += narrow.Rune(r)
	}
	return n
}

var narrow = displaywidth.Options{EastAsianWidth: false}

// mdText makes untrusted text safe and short for a Markdown table cell: one
// line, at most max characters when max > 0, every significant character
// escaped.
func mdText(s string, max int) string {
	s = clean(s)
	if r := []rune(s); max > 0 && len(r) > max {
		s = strings.TrimRight(string(r[:max-1]), " ") + "…"
	}
	return mdEscape(s)
}

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "~", `\~`,
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"\r\n", " ", "\n", " ", "\r", " ",
)

// mdEscape escapes the characters Markdown (GitHub flavoured, with its HTML)
// gives a meaning to, so that s renders as the literal text. Text from AWS
// goes through mdText, which cleans it first.
func mdEscape(s string) string {
	return mdEscaper.Replace(s)
}

// htmlText is text for the HTML page: cleaned like terminal text (no control
// or bidirectional-override character reaches the page); html/template
// escapes it for where it lands.
func htmlText(s string) string { return clean(s) }

// xmlText is text for the JUnit document, which CI systems print in their
// logs: cleaned like terminal text; encoding/xml escapes the markup.
func xmlText(s string) string { return clean(s) }

// mdCell keeps authored Markdown (a control's description in the catalogue)
// inside one table cell: cleaned to one line, "|" escaped, the rest left to
// render as the author wrote it.
func mdCell(s string) string {
	return strings.ReplaceAll(clean(s), "|", `\|`)
}
