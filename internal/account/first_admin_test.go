package account

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
)

// Sign-ups racing on an empty instance make exactly one administrator, on
// both dialects (store.Tx.LockSignups).
func TestConcurrentFirstSignupsMakeOneAdmin(t *testing.T) {
	// Every sign-up hashes at once, so that they reach the transaction together.
	f := newFixture(t, Options{SignupsPerIPHour: 100, SignupsPerHour: 100, HashSlots: 6, HashWait: time.Minute})
	const n = 6
	start := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, _, err := f.svc.Signup(context.Background(),
				SignupInput{Email: fmt.Sprintf("first%d@example.com", i), Password: testPassword},
				Meta{IP: fmt.Sprintf("198.51.100.%d", i+1)})
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("signup: %v", err)
		}
	}
	users, err := f.st.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var admins []store.User
	for _, u := range users {
		if u.IsAdmin {
			admins = append(admins, u)
		}
	}
	if len(users) != n || len(admins) != 1 {
		t.Fatalf("%d users, %d admins (%v); want %d users, one admin", len(users), len(admins), admins, n)
	}
}
