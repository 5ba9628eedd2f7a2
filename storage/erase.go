package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// deleteBatchSize is the most keys one DeleteObjects request takes.
const deleteBatchSize = 1000

// deleteAll deletes every object under prefix for good: on a versioned
// bucket a plain delete only hides an object behind a delete marker, so
// every version and every delete marker is deleted by its version id. A
// store without the versions API (NotImplemented), or one that ignores
// the version id "null" of an unversioned object, has what is left
// deleted by key. Deleting nothing is not an error.
//
// On AWS this needs s3:ListBucketVersions and s3:DeleteObjectVersion
// besides s3:ListBucket and s3:DeleteObject.
func (bk *Bucket) deleteAll(ctx context.Context, prefix string) error {
	err := bk.deleteVersions(ctx, prefix)
	if err == nil || errorCode(err) == "NotImplemented" {
		err = bk.deleteCurrent(ctx, prefix)
	}
	if errorCode(err) == "AccessDenied" {
		return fmt.Errorf("%w (erasing needs s3:ListBucket, s3:ListBucketVersions, s3:DeleteObject and s3:DeleteObjectVersion on the bucket)", err)
	}
	return err
}

// deleteVersions deletes every version and delete marker under prefix.
func (bk *Bucket) deleteVersions(ctx context.Context, prefix string) error {
	p := s3.NewListObjectVersionsPaginator(bk.client, &s3.ListObjectVersionsInput{Bucket: &bk.name, Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list versions under %s: %w", prefix, err)
		}
		ids := make([]types.ObjectIdentifier, 0, len(page.Versions)+len(page.DeleteMarkers))
		for _, v := range page.Versions {
			ids = append(ids, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range page.DeleteMarkers {
			ids = append(ids, types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if err := bk.deleteObjects(ctx, ids); err != nil {
			return err
		}
	}
	return nil
}

// deleteCurrent deletes by key the objects a listing still shows under
// prefix.
func (bk *Bucket) deleteCurrent(ctx context.Context, prefix string) error {
	p := s3.NewListObjectsV2Paginator(bk.client, &s3.ListObjectsV2Input{Bucket: &bk.name, Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list objects under %s: %w", prefix, err)
		}
		ids := make([]types.ObjectIdentifier, 0, len(page.Contents))
		for _, o := range page.Contents {
			ids = append(ids, types.ObjectIdentifier{Key: o.Key})
		}
		if err := bk.deleteObjects(ctx, ids); err != nil {
			return err
		}
	}
	return nil
}

// deleteObjects deletes ids, up to deleteBatchSize a request, and fails
// if the store could not delete any of them.
func (bk *Bucket) deleteObjects(ctx context.Context, ids []types.ObjectIdentifier) error {
	for len(ids) > 0 {
		n := min(len(ids), deleteBatchSize)
		out, err := bk.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: &bk.name, Delete: &types.Delete{Objects: ids[:n], Quiet: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("delete %d objects: %w", n, err)
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("delete %d objects: %d not deleted, the first %s (version %s): %s %s",
				n, len(out.Errors), aws.ToString(e.Key), aws.ToString(e.VersionId), aws.ToString(e.Code), aws.ToString(e.Message))
		}
		ids = ids[n:]
	}
	return nil
}

// errorCode is the store's error code in err (NotImplemented,
// AccessDenied, ...), or "".
func errorCode(err error) string {
	var ae interface{ ErrorCode() string } // smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
