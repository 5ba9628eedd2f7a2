package flexfactor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// findDocuments lists the application's documents and picks one of each
// wanted type, each with a download link the adapter trusts. It returns a
// result only when the row stops here.
func (c *Client) findDocuments(ctx context.Context, j *job) ([]Document, *bulkverify.Result, error) {
	list, err := c.list(ctx, j)
	if err != nil {
		stop, err := c.settle(j, fmt.Sprintf("application %q", j.app), err)
		return nil, stop, err
	}
	docs, missing := pick(list.Documents, j.want)
	if len(missing) > 0 {
		held := "no documents"
		if types := documentTypes(list.Documents); len(types) > 0 {
			held = "only " + strings.Join(types, ", ")
		}
		r := bulkverify.NotVerified(j.row, bulkverify.CodeDocumentNotFound, fmt.Sprintf(
			"FlexFactor application %q has no %s document (it holds %s; types are case-sensitive): ask the applicant to upload it, or correct the row's document_types",
			j.app, strings.Join(missing, ", "), held))
		return nil, &r, nil
	}
	for _, d := range docs {
		if problem := c.untrusted(d.DownloadURL); problem != "" {
			r := withDocument(bulkverify.NotVerified(j.row, bulkverify.CodeUntrustedDownloadURL, fmt.Sprintf(
				"the download link of document %q (%s) %s, so it was not downloaded: if FlexFactor really serves files from there, add the host to the allowed download hosts",
				d.DocumentID, d.DocumentType, problem)), d)
			return nil, &r, nil
		}
	}
	return docs, nil, nil
}

// list gets the application's document list. A 401 makes it drop the token
// and try once more with a new one. An answer that refuses comes back as a
// *refusal, no answer as a *bulkverify.UpstreamError.
func (c *Client) list(ctx context.Context, j *job) (DocumentList, error) {
	path := "/v1/onboarding/application/" + url.PathEscape(j.app) + "/documents/"
	for refreshed := false; ; refreshed = true {
		token, err := c.tokens.get(ctx)
		if err != nil {
			return DocumentList{}, err
		}
		j.used = append(j.used, token)
		resp, err := c.get(ctx, token, OpList, path)
		if err != nil {
			return DocumentList{}, err
		}
		if resp.StatusCode == http.StatusUnauthorized && !refreshed {
			upstream.CloseBody(resp)
			c.tokens.invalidate(token)
			continue
		}
		return c.readList(resp)
	}
}

// readList decodes a list answer and closes its body.
func (c *Client) readList(resp *http.Response) (DocumentList, error) {
	defer upstream.CloseBody(resp)
	if resp.StatusCode/100 != 2 {
		var e APIError
		if err := upstream.ReadErrorBody(resp, &e); err != nil {
			return DocumentList{}, c.Unreadable(OpList, resp, err)
		}
		return DocumentList{}, c.refusal(OpList, resp, e.Errors...)
	}
	var list DocumentList
	if err := json.NewDecoder(io.LimitReader(resp.Body, upstream.MaxJSONBytes)).Decode(&list); err != nil {
		return DocumentList{}, c.Unreadable(OpList, resp, err)
	}
	if !list.Success {
		return DocumentList{}, c.refusal(OpList, resp, list.Errors...)
	}
	return list, nil
}

// pick returns the first listed document of each wanted type, in the order
// of want, or the types it lacks. Types are compared exactly, as the API
// spells them ("ID", "ProofOfAddress").
func pick(docs []Document, want []string) (picked []Document, missing []string) {
	for _, t := range want {
		found := false
		for _, d := range docs {
			if strings.TrimSpace(d.DocumentType) == t {
				picked, found = append(picked, d), true
				break
			}
		}
		if !found {
			missing = append(missing, t)
		}
	}
	return picked, missing
}

// documentTypes returns the distinct types of docs, in order.
func documentTypes(docs []Document) []string {
	var types []string
	for _, d := range docs {
		if t := strings.TrimSpace(d.DocumentType); t != "" {
			types = append(types, t)
		}
	}
	return distinct(types)
}

// sameDocuments returns how many of the first n documents of fresh are
// those of old but for their download links, so their files need not be
// downloaded again.
func sameDocuments(old, fresh []Document, n int) int {
	for i := range min(n, len(fresh)) {
		a, b := old[i], fresh[i]
		a.DownloadURL, b.DownloadURL = "", ""
		if a != b {
			return i
		}
	}
	return min(n, len(fresh))
}

// withDocument adds doc's identity to r.
func withDocument(r bulkverify.Result, doc Document) bulkverify.Result {
	r.DocumentType, r.DocumentID, r.Issuer = doc.DocumentType, doc.DocumentID, Issuer
	return r
}
