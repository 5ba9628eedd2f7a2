package api

import (
	"sync"

	"github.com/bulkverify/bulkverify"
)

// uploadSlots are the uploads one process reads at once, shared between
// tenants: one tenant holds at most half of them (at least one), so that
// another tenant is served while one trickles its uploads.
type uploadSlots struct {
	mu        sync.Mutex
	total     int
	perTenant int
	used      int
	byTenant  map[string]int
}

func newUploadSlots(total int) *uploadSlots {
	return &uploadSlots{total: total, perTenant: max(total/2, 1), byTenant: map[string]int{}}
}

// take takes a slot for tenant. It returns an EBusy error when every slot
// is taken or tenant holds its share.
func (u *uploadSlots) take(tenant string) (release func(), err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	switch {
	case u.byTenant[tenant] >= u.perTenant:
		return nil, bulkverify.Errorf(bulkverify.EBusy,
			"client %s is sending %d uploads to this server already, its share of the %d it reads at once: retry in a few seconds, once one of them is done", tenant, u.byTenant[tenant], u.total)
	case u.used >= u.total:
		return nil, bulkverify.Errorf(bulkverify.EBusy, "this server is reading %d uploads already: retry in a few seconds", u.total)
	}
	u.used++
	u.byTenant[tenant]++
	var once sync.Once
	return func() { once.Do(func() { u.give(tenant) }) }, nil
}

func (u *uploadSlots) give(tenant string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.used--
	if u.byTenant[tenant]--; u.byTenant[tenant] == 0 {
		delete(u.byTenant, tenant)
	}
}
