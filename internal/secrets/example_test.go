package secrets_test

import (
	"fmt"

	"github.com/leadbitz/leadbitz/internal/secrets"
)

// A rotate-key pass: the operator puts a new key first, then every stored
// value still under an old key is re-encrypted with the same associated
// data it was written with.
func ExampleKeyRing_Rotate() {
	oldKey := secrets.GenerateKey()
	before, _ := secrets.LoadKeyRing(oldKey, "")
	stored := map[string]string{} // mailbox id -> encrypted token, standing in for a table
	for _, id := range []string{"inbox-1", "inbox-2"} {
		stored[id], _ = before.Encrypt([]byte("token of "+id), []byte("inbox_connections:"+id))
	}

	ring, _ := secrets.LoadKeyRing(secrets.GenerateKey()+","+oldKey, "")
	rotated := 0
	for id, ct := range stored {
		if !ring.NeedsRotation(ct) {
			continue
		}
		next, err := ring.Rotate(ct, []byte("inbox_connections:"+id))
		if err != nil {
			fmt.Println("inbox", id, "cannot be rotated:", err)
			continue
		}
		stored[id] = next
		rotated++
	}
	token, _ := ring.Decrypt(stored["inbox-2"], []byte("inbox_connections:inbox-2"))
	fmt.Println(rotated, "rotated;", string(token), "still readable; pending:", ring.NeedsRotation(stored["inbox-1"]))
	// Output: 2 rotated; token of inbox-2 still readable; pending: false
}
