package systemmail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	texttemplate "text/template"
)

// Kind names a message and its templates: templates/<kind>.txt defines
// "subject" and "text", templates/<kind>.html defines "html".
type Kind string

// The system messages.
const (
	Verify      Kind = "verify"       // confirm the address of a new account
	Invite      Kind = "invite"       // join a workspace
	Reset       Kind = "reset"        // choose a new password
	ChangeEmail Kind = "change_email" // confirm a new address
	// WebhookDisabled tells a workspace's admins an endpoint was disabled
	// (Data: Workspace, URL, Reason; Link: its settings page).
	WebhookDisabled Kind = "webhook_disabled"
)

//go:embed templates
var files embed.FS

var (
	textTemplates = texttemplate.Must(texttemplate.ParseFS(files, "templates/*.txt"))
	htmlTemplates = htmltemplate.Must(htmltemplate.ParseFS(files, "templates/*.html"))
)

// render returns a message's subject, text and HTML bodies.
func render(msg Message) (subject, text, html string, err error) {
	data := map[string]string{"Link": msg.Link}
	for k, v := range msg.Data {
		data[k] = v
	}
	name := string(msg.Kind)
	var s, t, h bytes.Buffer
	if err = textTemplates.ExecuteTemplate(&s, name+".subject", data); err == nil {
		if err = textTemplates.ExecuteTemplate(&t, name+".text", data); err == nil {
			err = htmlTemplates.ExecuteTemplate(&h, name+".html", data)
		}
	}
	if err != nil {
		return "", "", "", fmt.Errorf("systemmail: render %s: %w", name, err)
	}
	return s.String(), t.String(), h.String(), nil
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
