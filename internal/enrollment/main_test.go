package enrollment_test

import (
	"os"
	"testing"

	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}
