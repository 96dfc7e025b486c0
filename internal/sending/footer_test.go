package sending_test

import (
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/store"
)

// A workspace that loses its postal address after a launch sends nothing:
// its jobs wait (postal_address_missing) and go once the address is back,
// with the address and the lead's own unsubscribe link in the footer.
func TestNoPostalAddressWaitsAndTheFooterCarriesTheOptOut(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	mailbox := h.mailbox("sales@sender.test", 10, 0, 0, 0)
	leads := h.leads(1)
	id := h.campaignWith(campaign.Input{Name: ptr("Q1"), Timezone: ptr("UTC"), SendDays: &[]int{1, 2, 3, 4, 5, 6, 7},
		SendStart: ptr("00:00"), SendEnd: ptr("24:00"), MailboxIDs: &[]string{mailbox.ID}}, twoSteps(), leads)
	h.launch(id)

	if err := h.scope().UpdateWorkspace(h.ctx, store.Workspace{Name: "W"}); err != nil {
		t.Fatal(err)
	}
	if res := h.tick(); res.Sent != 0 || res.Deferred != 1 {
		t.Fatalf("tick without a postal address: %+v", res)
	}
	j := h.jobs(id, leads[0])[0]
	if j.DeferReason != "postal_address_missing" || !j.RunAt.Equal(start.Add(15*time.Minute)) {
		t.Fatalf("job: %s at %v", j.DeferReason, j.RunAt)
	}

	if err := h.scope().UpdateWorkspace(h.ctx, store.Workspace{Name: "W", FooterAddress: "Acme Ltd\n1 Main St"}); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(start.Add(15 * time.Minute))
	if res := h.tick(); res.Sent != 1 {
		t.Fatalf("tick with the address back: %+v", res)
	}
	link := h.unsub.URL(h.campaignLead(id, leads[0]).ID)
	msg := h.sentBy(mailbox.ID)[0].msg
	if text := strings.ReplaceAll(msg.Text, "\r\n", "\n"); !strings.HasSuffix(text, "\n--\nAcme Ltd\n1 Main St\nUnsubscribe: "+link+"\n") {
		t.Fatalf("footer of the sent message:\n%s", text)
	}
	if lu := msg.Header.Get("List-Unsubscribe"); !strings.HasPrefix(lu, "<"+link+">") {
		t.Fatalf("List-Unsubscribe %q", lu)
	}
}
