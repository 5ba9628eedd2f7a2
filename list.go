package bulkverify

// ListQuery selects a page of a tenant's batches.
type ListQuery struct {
	Tenant string
	// Page counts from 1; PerPage is the page size.
	Page, PerPage int
	// Ascending lists the oldest first; the default is newest first.
	Ascending bool
	// State and Provider, when set, keep only the batches that match.
	State    State
	Provider string
}
