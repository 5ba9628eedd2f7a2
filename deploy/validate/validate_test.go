package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// edit replaces old, which must occur exactly once, by new in one file of
// deploy/k8s.
type edit struct {
	file, old, new string
}

// checkEdited validates deploy/k8s after the edits and returns every
// problem found, decoding and cross-object alike.
func checkEdited(t *testing.T, edits ...edit) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob("../k8s/*.yaml")
	texts := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(f)] = string(b)
	}
	for _, e := range edits {
		if n := strings.Count(texts[e.file], e.old); n != 1 {
			t.Fatalf("%s holds %q %d times, want once: update the test", e.file, e.old, n)
		}
		texts[e.file] = strings.Replace(texts[e.file], e.old, e.new, 1)
	}
	schemas, err := loadCRDSchemas()
	if err != nil {
		t.Fatal(err)
	}
	queues, err := asynqQueues("../../jobs/tasks.go")
	if err != nil {
		t.Fatal(err)
	}
	var objs []object
	var problems []string
	for name, text := range texts {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(text), 0o644)
		o, err := decodeManifests(path, schemas)
		if err != nil {
			problems = append(problems, err.Error())
		}
		objs = append(objs, o...)
	}
	for _, err := range append(checkObjects(objs, queues), checkProviderEnv(objs, testProviders(t))...) {
		problems = append(problems, err.Error())
	}
	return strings.Join(problems, "\n")
}

// testProviders lists the providers once per test run (go run).
var testProviders = func() func(t *testing.T) []provider {
	load := sync.OnceValues(func() ([]provider, error) { return loadProviders("../..") })
	return func(t *testing.T) []provider {
		t.Helper()
		ps, err := load()
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
}()

// TestProvidersAreTheList checks that the list comes from the service's
// provider/providers, with each provider's own variables.
func TestProvidersAreTheList(t *testing.T) {
	ps := testProviders(t)
	if got := providerNames(ps); got != "deepvue, digilocker, flexfactor, sila" {
		t.Errorf("got providers %s, want deepvue, digilocker, flexfactor, sila", got)
	}
	if _, known, secret := providerVar(ps, "BV_SILA_ACCESS_TOKEN"); !known || !secret {
		t.Errorf("BV_SILA_ACCESS_TOKEN: got known %t, secret %t, want a credential of sila", known, secret)
	}
	if err := checkVarName(ps, "BV_DEEPVUE_BASE_URL"); err != nil {
		t.Errorf("BV_DEEPVUE_BASE_URL: %v", err)
	}
}

func TestTheManifestsPass(t *testing.T) {
	if got := checkEdited(t); got != "" {
		t.Fatalf("deploy/k8s has problems:\n%s", got)
	}
	if err := run("..", "../../jobs/tasks.go"); err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestEveryMistakeIsReported(t *testing.T) {
	const keda, k8s = "keda.yaml", "bulkverify.yaml"
	cases := []struct {
		name string
		edit []edit
		want string
	}{
		{"a misspelled ScaledObject field", []edit{{keda, "  minReplicaCount: 1", "  minReplicas: 1"}}, "additional properties 'minReplicas' not allowed"},
		{"a misspelled trigger field", []edit{{keda, "      name: chunks_active\n      metadata:", "      name: chunks_active\n      metdata:"}}, "additional properties 'metdata' not allowed"},
		{"a string where KEDA wants a number", []edit{{keda, "pollingInterval: 15", `pollingInterval: "15"`}}, "/spec/pollingInterval"},
		{"a misspelled metadata field of a KEDA object", []edit{{keda, "kind: ScaledObject\nmetadata:\n  name: bulkverify-worker\n  namespace:", "kind: ScaledObject\nmetadata:\n  name: bulkverify-worker\n  namespce:"}}, `unknown field "namespce"`},
		{"a list that is not asynq's", []edit{{keda, `"asynq:{chunks}:pending"`, `"asynq:chunks:pending"`}}, "is not an asynq queue list"},
		{"a queue left unwatched", []edit{{keda, `"asynq:{chunks}:pending"`, `"asynq:{chunks}:active"`}}, "no redis trigger watches queue chunks"},
		{"a queue the workers do not serve", []edit{{keda, `"asynq:{finalize}:active"`, `"asynq:{reports}:active"`}}, `queue "reports" is not one the workers serve`},
		{"metadata the redis scaler does not read", []edit{{keda, "        databaseIndex: \"0\"\n        listName: \"asynq:{chunks}:active\"", "        dbIndex: \"0\"\n        listName: \"asynq:{chunks}:active\""}}, `metadata "dbIndex" is not read`},
		{"another Redis than the workers'", []edit{{keda, "        address: redis.bulkverify.svc:6379\n        databaseIndex: \"0\"\n        listName: \"asynq:{finalize}:pending\"", "        address: redis.other.svc:6379\n        databaseIndex: \"0\"\n        listName: \"asynq:{finalize}:pending\""}}, "is not the workers' Redis"},
		{"another database than the workers'", []edit{{keda, "        databaseIndex: \"0\"\n        listName: \"asynq:{finalize}:active\"", "        databaseIndex: \"1\"\n        listName: \"asynq:{finalize}:active\""}}, "databaseIndex 1 is not the workers' database"},
		{"a password that differs from BV_REDIS_URL's", []edit{{keda, "  password: CHANGE-ME", "  password: other"}}, "differs from BV_REDIS_URL's"},
		{"a Secret key the TriggerAuthentication does not find", []edit{{keda, "      key: password", "      key: redis-password"}}, "has no key redis-password"},
		{"a missing TriggerAuthentication", []edit{{keda, "kind: TriggerAuthentication\nmetadata:\n  name: bulkverify-redis", "kind: TriggerAuthentication\nmetadata:\n  name: redis-auth"}}, "TriggerAuthentication bulkverify-redis is not in the manifests"},
		{"a trigger left out of the formula", []edit{{keda, " + webhooks_active\"", "\""}}, "trigger webhooks_active is not in scalingModifiers.formula"},
		{"a formula naming no trigger", []edit{{keda, "chunks_pending + chunks_active", "chunks_waiting + chunks_active"}}, `names "chunks_waiting", which is no trigger`},
		{"scaling to zero", []edit{{keda, "minReplicaCount: 1", "minReplicaCount: 0"}}, "minReplicaCount must be at least 1"},
		{"a scale target that does not exist", []edit{{keda, "  scaleTargetRef:\n    name: bulkverify-worker", "  scaleTargetRef:\n    name: worker"}}, "scaleTargetRef worker is no Deployment"},
		{"a scaled Deployment with replicas", []edit{{k8s, "  # No replicas: the ScaledObject in keda.yaml owns the count (1 to 20).\n", "  replicas: 3\n"}}, "sets replicas: 3"},
		{"a pod that may run as root", []edit{{k8s, "      securityContext:\n        runAsNonRoot: true\n        runAsUser: 65532\n        runAsGroup: 65532\n        seccompProfile: {type: RuntimeDefault}\n      containers:\n        - name: api", "      containers:\n        - name: api"}}, "container api: runAsNonRoot is not true"},
		{"a writable root filesystem", []edit{{k8s, "            readOnlyRootFilesystem: true\n            capabilities: {drop: [ALL]}\n          volumeMounts:\n            - {name: tmp, mountPath: /tmp}\n      volumes:\n        - name: tmp\n          emptyDir: {sizeLimit: 64Mi}\n---\n# Drains", "            capabilities: {drop: [ALL]}\n          volumeMounts:\n            - {name: tmp, mountPath: /tmp}\n      volumes:\n        - name: tmp\n          emptyDir: {sizeLimit: 64Mi}\n---\n# Drains"}}, "container worker: securityContext.readOnlyRootFilesystem is not true"},
		{"a container without a readiness probe", []edit{{k8s, "          readinessProbe:\n            httpGet: {path: /healthz, port: metrics}\n            periodSeconds: 10\n            timeoutSeconds: 2\n", ""}}, "container worker: no readinessProbe"},
		{"a probe on an undeclared port", []edit{{k8s, "            httpGet: {path: /readyz, port: http}", "            httpGet: {path: /readyz, port: api}"}}, "probes port api, which the container does not declare"},
		{"a container without a memory limit", []edit{{k8s, "            limits: {cpu: \"1\", memory: 512Mi}\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities: {drop: [ALL]}\n          volumeMounts:\n            - {name: tmp, mountPath: /tmp}\n      volumes:\n        # An upload past a million distinct rows spills their digests here\n        # (12 bytes a row: 48 MB at BV_MAX_ROWS=5,000,000), for each of\n        # BV_MAX_CONCURRENT_UPLOADS=8 at once.\n        - name: tmp\n          emptyDir: {sizeLimit: 512Mi}\n---\napiVersion: v1\nkind: Service", "            limits: {cpu: \"1\"}\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities: {drop: [ALL]}\n          volumeMounts:\n            - {name: tmp, mountPath: /tmp}\n      volumes:\n        # An upload past a million distinct rows spills their digests here\n        # (12 bytes a row: 48 MB at BV_MAX_ROWS=5,000,000), for each of\n        # BV_MAX_CONCURRENT_UPLOADS=8 at once.\n        - name: tmp\n          emptyDir: {sizeLimit: 512Mi}\n---\napiVersion: v1\nkind: Service"}}, "container api: no memory limit"},
		{"a budget that selects nothing", []edit{{k8s, "  maxUnavailable: 1\n  selector:\n    matchLabels: {app: bulkverify-worker}", "  maxUnavailable: 1\n  selector:\n    matchLabels: {app: worker}"}}, "matches the pods of no Deployment"},
		{"a budget that blocks every drain", []edit{{k8s, "  minAvailable: 1", "  minAvailable: 2"}}, "minAvailable 2 leaves none of Deployment bulkverify-api's 2 replicas evictable"},
		{"a misspelled Deployment field", []edit{{k8s, "terminationGracePeriodSeconds: 45", "terminationGracePeriod: 45"}}, `unknown field "terminationGracePeriod"`},
		{"a kind nothing checks", []edit{{k8s, "apiVersion: v1\nkind: Service", "apiVersion: v1\nkind: Endpoints"}}, "v1/Endpoints is not checked here"},
		{"pods whose egress no policy limits", []edit{{k8s, "values: [bulkverify-api, bulkverify-worker]", "values: [bulkverify-api]"}}, "Deployment bulkverify/bulkverify-worker (bulkverify.yaml): no NetworkPolicy limits the egress of its pods"},
		{"an egress policy without DNS", []edit{{k8s, "        - {protocol: UDP, port: 53}\n", ""}}, "allow no DNS (UDP 53)"},
		{"Redis's port closed", []edit{{k8s, "        - {protocol: TCP, port: 6379}", "        - {protocol: TCP, port: 6380}"}}, "container worker: BV_REDIS_URL needs TCP port 6379"},
		{"an upstream on a port the policy closes", []edit{{k8s, "BV_SILA_BASE_URL: https://sandbox.silamoney.com", "BV_SILA_BASE_URL: https://sandbox.silamoney.com:8443"}}, "BV_SILA_BASE_URL (sandbox.silamoney.com:8443) needs TCP port 8443"},
		{"S3 on a port the policy closes", []edit{{k8s, "  BV_S3_BUCKET: bulkverify\n", "  BV_S3_BUCKET: bulkverify\n  BV_S3_ENDPOINT: http://minio.storage.svc:9000\n"}}, "BV_S3_ENDPOINT (minio.storage.svc:9000) needs TCP port 9000"},
		{"a misspelled NetworkPolicy field", []edit{{k8s, "  policyTypes: [Egress]", "  policyType: [Egress]"}}, `unknown field "policyType"`},
		{"a misspelled provider variable", []edit{{k8s, "  BV_SILA_RATE: \"50\"", "  BV_SILA_RTAE: \"50\""}}, "container worker: BV_SILA_RTAE is no variable of provider sila"},
		{"a provider the list no longer has", []edit{{k8s, "  BV_SILA_RATE: \"50\"", "  BV_SILA_RATE: \"50\"\n  BV_KARZA_BASE_URL: https://api.karza.in"}}, "container api: BV_KARZA_BASE_URL is the upstream of no provider in provider/providers"},
		{"a provider credential in the ConfigMap", []edit{{k8s, "  BV_SILA_RATE: \"50\"", "  BV_SILA_RATE: \"50\"\n  BV_SILA_ACCESS_TOKEN: CHANGE-ME"}}, "ConfigMap bulkverify/bulkverify (bulkverify.yaml): BV_SILA_ACCESS_TOKEN is a credential of provider sila: put it in a Secret"},
		{"envFrom a Secret that is not there", []edit{{k8s, "          args: [\"work\"]\n          ports: [{containerPort: 9091, name: metrics}]\n          envFrom:\n            - configMapRef: {name: bulkverify}\n            - secretRef: {name: bulkverify}", "          args: [\"work\"]\n          ports: [{containerPort: 9091, name: metrics}]\n          envFrom:\n            - configMapRef: {name: bulkverify}\n            - secretRef: {name: bulkverify-worker}"}}, "envFrom Secret bulkverify-worker is not in the manifests"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := checkEdited(t, c.edit...)
			if !strings.Contains(got, c.want) {
				t.Errorf("got problems:\n%s\nwant one containing %q", got, c.want)
			}
		})
	}
}

func TestQueuesAreReadFromTheSource(t *testing.T) {
	got, err := asynqQueues("../../jobs/tasks.go")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"chunks", "finalize", "webhooks"}) {
		t.Errorf("got queues %v, want [chunks finalize webhooks]", got)
	}
	src := filepath.Join(t.TempDir(), "tasks.go")
	os.WriteFile(src, []byte("package jobs\n\nconst QueueA = \"alpha\"\n\nvar Queues = map[string]int{QueueA: 1, \"beta\": 2}\n"), 0o644)
	if got, err := asynqQueues(src); err != nil || !slices.Equal(got, []string{"alpha", "beta"}) {
		t.Errorf("got %v, %v; want [alpha beta]", got, err)
	}
	os.WriteFile(src, []byte("package jobs\n\nvar Other = map[string]int{}\n"), 0o644)
	if _, err := asynqQueues(src); err == nil || !strings.Contains(err.Error(), "no `var Queues") {
		t.Errorf("got error %v, want one saying Queues is missing", err)
	}
}
