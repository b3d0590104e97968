package report

import "testing"

// TestClean: every escape sequence a terminal acts on is removed whole, in
// its 7-bit (ESC) and 8-bit (C1) forms; other controls, format characters
// and white space become one space; invalid UTF-8 becomes U+FFFD.
func TestClean(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "prod account", "prod account"},
		{"CSI clear screen", "a\x1b[2Jb", "ab"},
		{"CSI with intermediates", "a\x1b[1 qb", "ab"},
		{"C1 CSI", "a\u009b2Jb", "ab"},
		{"OSC 52 clipboard, BEL", "a\x1b]52;c;ZXZpbA==\x07b", "ab"},
		{"OSC 8 hyperlink, ST", "a\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\b", "alinkb"},
		{"C1 OSC, C1 ST", "a\u009d0;title\u009cb", "ab"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"C1 APC", "a\u009fpayload\u009cb", "ab"},
		{"reset ESC c", "a\x1bcb", "ab"},
		{"charset ESC ( 0", "a\x1b(0b", "ab"},
		{"unterminated OSC: ESC dropped, the rest inert text", "a\x1b]52;c;ZXZp", "a ]52;c;ZXZp"},
		{"unterminated CSI", "a\x1b[", "a ["},
		{"lone ESC", "a\x1b", "a"},
		{"controls and white space fold", " a\tb\r\nc\x00d\x7fe\u0085f ", "a b c d e f"},
		{"bidirectional override", "evil\u202egnp.exe", "evil gnp.exe"},
		{"zero-width joiner", "a\u200db", "a b"},
		{"invalid UTF-8, lone 0x9b", "a\x9b2Jb", "a\ufffd2Jb"},
		{"wide and combining", "日本 é", "日本 é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clean(tt.in)
			if got != tt.want {
				t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			assertTerminalSafe(t, "clean", got, false)
		})
	}
}

// TestMarkdownEscaping: text from AWS renders as itself in Markdown: no link,
// image, emphasis, code, table cell break or inline HTML.
func TestMarkdownEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[x](https://evil.example)", `\[x\](https://evil.example)`},
		{"![i](https://evil.example/p.png)", `!\[i\](https://evil.example/p.png)`},
		{"a|b", `a\|b`},
		{"<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"},
		{"*bold* _it_ `code` ~del~", "\\*bold\\* \\_it\\_ \\`code\\` \\~del\\~"},
		{"back\\slash", `back\\slash`},
		{"two\nlines\x1b[2J", "two lines"},
	}
	for _, tt := range tests {
		if got := mdText(tt.in, 0); got != tt.want {
			t.Errorf("mdText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
