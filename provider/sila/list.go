package sila

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// listing is what the pages of one row's list held.
type listing struct {
	docs     []Document
	complete bool // every page was read
}

// listAll reads the pages of q's list in order until pagination.total_pages
// says there are no more, or a page comes back empty (a page beyond the
// total), but at most maxPages. It returns a result when an error answer
// stops the row.
func (c *Client) listAll(ctx context.Context, row bulkverify.Row, q query) (listing, *bulkverify.Result, error) {
	var l listing
	for page := 1; page <= c.maxPages; page++ {
		out, stop, err := c.listPage(ctx, row, q, page)
		if stop != nil || err != nil {
			return listing{}, stop, err
		}
		l.docs = append(l.docs, out.Documents...)
		if page >= out.Pagination.TotalPages || len(out.Documents) == 0 {
			l.complete = true
			return l, nil, nil
		}
	}
	return l, nil, nil
}

// listPage asks for one page, oldest documents first.
func (c *Client) listPage(ctx context.Context, row bulkverify.Row, q query, page int) (ListDocumentsResponse, *bulkverify.Result, error) {
	body, err := json.Marshal(q.request(c.app.Value, c.Now().Unix(), newReference()))
	if err != nil { // strings and ints only: cannot happen
		return ListDocumentsResponse{}, nil, c.Error(OpList, nil, "encode the request", err)
	}
	resp, err := c.post(ctx, fmt.Sprintf("/0.2/list_documents?page=%d&per_page=%d&order=asc", page, PerPage), body)
	if err != nil {
		return ListDocumentsResponse{}, nil, err
	}
	defer upstream.CloseBody(resp)
	if resp.StatusCode/100 != 2 {
		var e APIError
		if err := upstream.ReadErrorBody(resp, &e); err != nil {
			return ListDocumentsResponse{}, nil, c.Unreadable(OpList, resp, err)
		}
		stop, err := c.errorAnswer(row, q, resp, e)
		return ListDocumentsResponse{}, stop, err
	}
	var out ListDocumentsResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, upstream.MaxJSONBytes)).Decode(&out); err != nil {
		return ListDocumentsResponse{}, nil, c.Unreadable(OpList, resp, err)
	}
	if out.failed() {
		stop, err := c.errorAnswer(row, q, resp, out.apiError())
		return ListDocumentsResponse{}, stop, err
	}
	return out, nil, nil
}
