package api

import (
	"net/http"

	"github.com/bulkverify/bulkverify"
)

// webhookDeliveries is the data of the delivery log answer.
type webhookDeliveries struct {
	RequestID   string                      `json:"request_id"`
	CallbackURL *string                     `json:"callback_url"`
	Deliveries  []bulkverify.WebhookAttempt `json:"deliveries"`
}

// handleBatchWebhooks answers the delivery attempts of a batch's
// webhooks, newest first.
func (s *Server) handleBatchWebhooks(w http.ResponseWriter, r *http.Request) {
	b, err := s.tenantBatch(r.Context(), r.PathValue("request_id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	attempts, err := s.Webhooks.WebhookAttempts(r.Context(), b.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := webhookDeliveries{RequestID: b.ID, Deliveries: attempts}
	if b.CallbackURL != "" {
		out.CallbackURL = &b.CallbackURL
	}
	s.writeOK(w, http.StatusOK, "Webhook deliveries fetched successfully", out)
}
