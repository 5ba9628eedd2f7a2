package flexfactor

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

const allTypes = "ID|ProofOfAddress|BusinessLicense"

// applicationCases are the outcomes of a first row of each application kind.
var applicationCases = []struct {
	app, types string
	want       providertest.Want
}{
	{AppComplete + "-0001", allTypes, verified},
	{AppComplete + "-0002", "BusinessLicense", verified},
	{AppComplete + "-0003", "ID | ID|ProofOfAddress", verified},
	{AppComplete + "-0004", "id", final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound,
		`has no id document (it holds only ID, ProofOfAddress, BusinessLicense; types are case-sensitive)`)},
	{AppPartial + "-0001", "ID", verified},
	{AppPartial + "-0002", allTypes, final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound,
		"has no ProofOfAddress, BusinessLicense document (it holds only ID")},
	{AppMismatchSize + "-0001", "ID", final(bulkverify.StatusNotVerified, bulkverify.CodeIntegrityFailed,
		"size check failed: the file goes on past its listed fileSize 2048 (at least 2049 bytes)")},
	{AppMismatchType + "-0001", "ProofOfAddress", final(bulkverify.StatusNotVerified, bulkverify.CodeIntegrityFailed,
		"type check failed: the listed fileType is application/pdf, but the file does not start with its magic number \"%PDF-\" (it looks like image/png)")},
	{AppOffsite + "-0001", "ID", final(bulkverify.StatusNotVerified, bulkverify.CodeUntrustedDownloadURL,
		"is on host files.evil.example, which is not among the allowed download hosts")},
	{AppExpiring + "-0001", allTypes, verified},
	{AppUnknown + "-0001", "ID", final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound,
		`FlexFactor has no application "unknown-0001" (HTTP 404: Invalid application ID.)`)},
	{"stranger-0001", "ID", final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound, "HTTP 404: Invalid application ID.")},
	{AppInvalid + "-0001", "ID", final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound,
		"HTTP 200 success:false: Invalid application ID.")},
	{AppFailed + "-0001", "ID", final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected, FailedError)},
	{AppFlaky + "-0001", "ID", unavailable},
	{AppDown + "-0001", "ID", unavailable},
	{AppRevoked + "-0001", allTypes, verified},
}

func TestVerifyEveryApplication(t *testing.T) {
	for _, tt := range applicationCases {
		t.Run("a row of "+tt.types+" of application "+tt.app+" is "+tt.want.String(), func(t *testing.T) {
			e := newEnv(t, SimConfig{})
			res, err := providertest.Verify(t, e.c, appRow(tt.app, tt.types))
			tt.want.Check(t, res, err)
			if tt.want == verified {
				wantEvidence(t, res, tt.app, distinct(bulkverify.SplitList(tt.types))...)
			}
		})
	}
}

func TestEveryApplicationHasACase(t *testing.T) {
	var tested []string
	for _, c := range applicationCases {
		kind, _ := kindOf(c.app)
		tested = append(tested, kind)
	}
	providertest.Covered(t, "application kind", ApplicationKinds(), tested)
}

func TestTheApplicationIDIsPathEscaped(t *testing.T) {
	e := newEnv(t, SimConfig{})
	res, err := providertest.Verify(t, e.c, appRow("complete-ünï+cödé", "ID"))
	verified.Check(t, res, err)
	lists := e.rec.Exchanges("/v1/")
	if len(lists) != 1 || lists[0].URL.EscapedPath() != "/v1/onboarding/application/complete-%C3%BCn%C3%AF+c%C3%B6d%C3%A9/documents/" {
		t.Errorf("got list requests %v, want one to the escaped id with the trailing slash", lists)
	}
}

func TestAListAnswerThatIsNotJSONIsTransient(t *testing.T) {
	sim := NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: testSecret})
	e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			w.Write([]byte("<html>maintenance</html>"))
			return
		}
		sim.ServeHTTP(w, r)
	}))
	_, err := providertest.Verify(t, e.c, appRow("complete-1", "ID"))
	transient(OpList, 200, "unreadable answer").Check(t, bulkverify.Result{}, err)
}
