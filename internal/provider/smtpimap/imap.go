package smtpimap

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// sentFolderNames are tried, in order, when no folder has the \Sent
// attribute (RFC 6154): the names common servers and clients use.
var sentFolderNames = []string{"Sent", "Sent Items", "Sent Messages", "INBOX.Sent", "INBOX/Sent"}

// openIMAP connects, secures and logs in. Errors are *StepError wrapping
// a *provider.Error.
func openIMAP(ctx context.Context, cfg *Config) (*imapclient.Client, error) {
	srv := cfg.IMAP
	conn, _, err := dialServer(ctx, cfg, srv, "IMAP")
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	fail := func(e *StepError) (*imapclient.Client, error) {
		conn.Close()
		if ctx.Err() != nil {
			return nil, failAt(StepConnect, msgTimeout, classifyConn(ctx.Err()))
		}
		return nil, e
	}
	opts := &imapclient.Options{TLSConfig: cfg.tlsFor(srv.Host)}
	var c *imapclient.Client
	if srv.Security == StartTLS {
		c, err = imapclient.NewStartTLS(conn, opts)
	} else {
		c = imapclient.New(conn, opts)
		err = c.WaitGreeting()
	}
	if err != nil {
		return fail(openFailure("IMAP", err))
	}
	if srv.Username != "" {
		if err := c.Login(srv.Username, srv.Password).Wait(); err != nil {
			return fail(imapAuthFailure(err, "the IMAP server refused the username or password"))
		}
	}
	return c, nil
}

// imapError classifies a failed IMAP call.
func imapError(err error, connecting bool) error {
	var ie *imap.Error
	if errors.As(err, &ie) {
		return classifyIMAP(ie, connecting)
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		return err
	}
	return classifyConn(err)
}

// findSentFolder returns the folder with the \Sent attribute, else the
// first usual name that exists, else creates "Sent".
func findSentFolder(c *imapclient.Client) (string, error) {
	var opts *imap.ListOptions
	if caps := c.Caps(); caps.Has(imap.CapIMAP4rev2) || caps.Has(imap.CapListExtended) {
		opts = &imap.ListOptions{ReturnSpecialUse: true}
	}
	list, err := c.List("", "*", opts).Collect()
	if err != nil {
		return "", fmt.Errorf("list folders: %w", err)
	}
	for _, l := range list {
		if slices.Contains(l.Attrs, imap.MailboxAttrSent) {
			return l.Mailbox, nil
		}
	}
	for _, name := range sentFolderNames {
		for _, l := range list {
			if strings.EqualFold(l.Mailbox, name) && !slices.Contains(l.Attrs, imap.MailboxAttrNoSelect) {
				return l.Mailbox, nil
			}
		}
	}
	if err := c.Create("Sent", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrSent}}).Wait(); err != nil {
		// Servers without CREATE-SPECIAL-USE refuse the option.
		if err := c.Create("Sent", nil).Wait(); err != nil {
			return "", fmt.Errorf("create Sent folder: %w", err)
		}
	}
	return "Sent", nil
}

// uidRef names a message as "<uidvalidity>:<uid>", stable while the
// folder's UIDVALIDITY holds.
func uidRef(validity uint32, uid imap.UID) string { return fmt.Sprintf("%d:%d", validity, uid) }
