package intake

import "github.com/bulkverify/bulkverify"

var _ bulkverify.IntakeService = (*Service)(nil)
