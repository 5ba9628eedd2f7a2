package config

import (
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/providers"
	"github.com/bulkverify/bulkverify/storage"
)

func TestS3EncryptionIsAES256UnlessSaidOtherwise(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		want     storage.Encryption
		wantFail string // in the error; "" for none
	}{
		{"unset is AES256", nil, storage.Encryption{Mode: storage.SSEAES256}, ""},
		{"aws:kms with a key", map[string]string{"BV_S3_SSE": "aws:kms", "BV_S3_SSE_KMS_KEY_ID": "alias/bv"}, storage.Encryption{Mode: storage.SSEKMS, KMSKeyID: "alias/bv"}, ""},
		{"aws:kms with the store's default key", map[string]string{"BV_S3_SSE": "aws:kms"}, storage.Encryption{Mode: storage.SSEKMS}, ""},
		{"off", map[string]string{"BV_S3_SSE": "off"}, storage.Encryption{}, ""},
		{"an unknown mode", map[string]string{"BV_S3_SSE": "aes256"}, storage.Encryption{}, `BV_S3_SSE="aes256"`},
		{"a KMS key without aws:kms", map[string]string{"BV_S3_SSE_KMS_KEY_ID": "alias/bv"}, storage.Encryption{}, "BV_S3_SSE_KMS_KEY_ID is set but BV_S3_SSE=AES256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env), providers.All)
			if tt.wantFail != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantFail) {
					t.Errorf("got %v, want an error with %q", err, tt.wantFail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.S3Encryption(); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestKeyRotationIntervalDefaultsToTenMinutes(t *testing.T) {
	c, err := Load(env(nil), providers.All)
	if err != nil || c.KeyRotationInterval != 10*time.Minute {
		t.Errorf("got %v, %v; want 10m", c.KeyRotationInterval, err)
	}
	if _, err := Load(env(map[string]string{"BV_KEY_ROTATION_INTERVAL": "0"}), providers.All); err == nil || !strings.Contains(err.Error(), "BV_KEY_ROTATION_INTERVAL") {
		t.Errorf("BV_KEY_ROTATION_INTERVAL=0: got %v, want an error naming it", err)
	}
}
