package webhook

import (
	"testing"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }
