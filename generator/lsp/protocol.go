package lsp

// The Language Server Protocol's messages and constants, as far as this
// server uses them (LSP 3.17).

// The protocol messages this server reads and writes (LSP 3.17).
type (
	position struct {
		Line      int `json:"line"`
		Character int `json:"character"`
	}
	rangeLSP struct {
		Start position `json:"start"`
		End   position `json:"end"`
	}
	textDocument struct {
		URI  string `json:"uri"`
		Text string `json:"text"`
	}
	positionParams struct {
		TextDocument textDocument `json:"textDocument"`
		Position     position     `json:"position"`
	}
	changeParams struct {
		TextDocument   textDocument `json:"textDocument"`
		ContentChanges []struct {
			Text string `json:"text"`
		} `json:"contentChanges"`
	}
	diagnostic struct {
		Range    rangeLSP `json:"range"`
		Severity int      `json:"severity"`
		Code     string   `json:"code"`
		Source   string   `json:"source"`
		Message  string   `json:"message"`
	}
	completionItem struct {
		Label         string `json:"label"`
		Kind          int    `json:"kind"`
		Detail        string `json:"detail,omitempty"`
		Documentation string `json:"documentation,omitempty"`
		InsertText    string `json:"insertText,omitempty"`
	}
)

// LSP constants used here.
const (
	syncFull          = 1
	severityError     = 1
	severityWarning   = 2
	completionField   = 5
	completionValue   = 12
	messageWarning    = 2
	codeMethodUnknown = -32601
	codeInternal      = -32603
)
