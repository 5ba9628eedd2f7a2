package storage

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Encryption is the server-side encryption the object store applies to
// every object the service writes (BV_S3_SSE): the sealed input, parts,
// output.csv and errors.csv. The keys stay with the store (SSE-S3) or its
// KMS (SSE-KMS), so a presigned GET reads the objects as before.
type Encryption struct {
	// Mode is SSEAES256, SSEKMS, or "" for none (a store without
	// server-side encryption).
	Mode types.ServerSideEncryption
	// KMSKeyID names the KMS key of SSEKMS (a key id, ARN or alias);
	// empty for the store's default key (AWS: aws/s3).
	KMSKeyID string
}

// The modes of Encryption.
const (
	SSEAES256 = types.ServerSideEncryptionAes256
	SSEKMS    = types.ServerSideEncryptionAwsKms
)

// ParseEncryption reads BV_S3_SSE and BV_S3_SSE_KMS_KEY_ID: AES256,
// aws:kms (with an optional key id) or off.
func ParseEncryption(mode, kmsKeyID string) (Encryption, error) {
	switch mode {
	case "off":
		if kmsKeyID != "" {
			return Encryption{}, fmt.Errorf("BV_S3_SSE_KMS_KEY_ID is set but BV_S3_SSE=off: set BV_S3_SSE=aws:kms to use the key, or unset it")
		}
		return Encryption{}, nil
	case string(SSEAES256):
		if kmsKeyID != "" {
			return Encryption{}, fmt.Errorf("BV_S3_SSE_KMS_KEY_ID is set but BV_S3_SSE=AES256: set BV_S3_SSE=aws:kms to use the key, or unset it")
		}
		return Encryption{Mode: SSEAES256}, nil
	case string(SSEKMS):
		return Encryption{Mode: SSEKMS, KMSKeyID: kmsKeyID}, nil
	}
	return Encryption{}, fmt.Errorf("BV_S3_SSE=%q: want AES256 (the store's keys), aws:kms (a KMS key, BV_S3_SSE_KMS_KEY_ID) or off (a store without server-side encryption)", mode)
}

// String is the BV_S3_SSE value of e.
func (e Encryption) String() string {
	if e.Mode == "" {
		return "off"
	}
	return string(e.Mode)
}

// SetEncryption makes bk write every object with e, whether through
// Inputs, Results or Files. Call it before bk is used.
func (bk *Bucket) SetEncryption(e Encryption) { bk.sse = e }

// kmsKeyID is the SSEKMSKeyId of a request: nil unless a KMS key is named.
func (e Encryption) kmsKeyID() *string {
	if e.Mode != SSEKMS || e.KMSKeyID == "" {
		return nil
	}
	return aws.String(e.KMSKeyID)
}

func (e Encryption) putObject(in *s3.PutObjectInput) *s3.PutObjectInput {
	in.ServerSideEncryption, in.SSEKMSKeyId = e.Mode, e.kmsKeyID()
	return in
}

// createMultipartUpload sets the encryption of a multipart upload; its
// parts (UploadPart) carry none of their own: SSE-S3 and SSE-KMS are set
// once, when the upload is created.
func (e Encryption) createMultipartUpload(in *s3.CreateMultipartUploadInput) *s3.CreateMultipartUploadInput {
	in.ServerSideEncryption, in.SSEKMSKeyId = e.Mode, e.kmsKeyID()
	return in
}

// probeKey is the object CheckEncryption writes and deletes.
const probeKey = "batches/.encryption-check"

// CheckEncryption writes and deletes an empty object with bk's encryption,
// so that a store that refuses it (MinIO without its KMS configured, a
// KMS key the credentials may not use) stops the process at start rather
// than failing every upload.
func (bk *Bucket) CheckEncryption(ctx context.Context) error {
	if bk.sse.Mode == "" {
		return nil
	}
	_, err := bk.client.PutObject(ctx, bk.sse.putObject(&s3.PutObjectInput{
		Bucket: &bk.name, Key: aws.String(probeKey), Body: bytes.NewReader(nil), ContentLength: aws.Int64(0),
	}))
	if err != nil {
		return fmt.Errorf("bucket %s refuses objects encrypted with BV_S3_SSE=%s: %w (configure the store's server-side encryption: MinIO needs a KMS, e.g. MINIO_KMS_SECRET_KEY; check that the credentials may use BV_S3_SSE_KMS_KEY_ID; or set BV_S3_SSE=off for a store without it)", bk.name, bk.sse, err)
	}
	return bk.deleteAll(ctx, probeKey)
}
