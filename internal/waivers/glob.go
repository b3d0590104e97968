package waivers

import (
	"fmt"
	"regexp"
	"strings"
)

// compileGlob turns a shell-style glob into an anchored regular expression.
// `*` matches any run of characters (slashes included, so that one `*` spans
// an ARN's path), `?` any one character, `[abc]`, `[a-z]` and `[!a-z]` one
// character of a class; `\` escapes the next character.
func compileGlob(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		return nil, fmt.Errorf("empty pattern")
	}
	rs := []rune(pattern)
	var b strings.Builder
	b.WriteString(`^`)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '\\':
			if i+1 == len(rs) {
				return nil, fmt.Errorf("trailing backslash")
			}
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case '[':
			end := -1
			for j := i + 1; j < len(rs); j++ {
				if rs[j] == ']' {
					end = j
					break
				}
			}
			if end < 0 {
				return nil, fmt.Errorf("unclosed [")
			}
			class := rs[i+1 : end]
			i = end
			negate := len(class) > 0 && (class[0] == '!' || class[0] == '^')
			if negate {
				class = class[1:]
			}
			if len(class) == 0 {
				return nil, fmt.Errorf("empty character class")
			}
			b.WriteByte('[')
			if negate {
				b.WriteByte('^')
			}
			for j, r := range class {
				if r == '-' && j > 0 && j < len(class)-1 {
					if class[j-1] > class[j+1] {
						return nil, fmt.Errorf("bad range %c-%c", class[j-1], class[j+1])
					}
					b.WriteByte('-')
					continue
				}
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
			b.WriteByte(']')
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	return regexp.Compile(b.String())
}
