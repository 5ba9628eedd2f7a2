// Command validate checks the deployment files without a Docker engine or a
// Kubernetes cluster:
//
//   - the compose file is loaded and validated by compose-go (the library
//     behind `docker compose config`), and every file it bind-mounts exists;
//   - every Kubernetes manifest is decoded strictly into its API type, so
//     that an unknown or misspelled field is an error; KEDA's objects, which
//     have no Go types here, are checked against the JSON schemas of KEDA's
//     CRDs (vendored in crds/) with unknown fields forbidden, as kubeconform
//     -strict does;
//   - the objects are checked together: every Deployment is hardened (non-
//     root, probes, requests and limits, a NetworkPolicy that limits its
//     egress yet lets it reach DNS, Redis, S3 and its upstreams' ports),
//     every PodDisruptionBudget selects a Deployment, and the ScaledObject
//     scales an existing worker Deployment on the Redis lists of every
//     queue in jobs/tasks.go;
//   - every variable named like a provider's (BV_<NAME>_*, BV_*_BASE_URL)
//     is one that a provider of provider/providers reads, as
//     `go run ./tools/providers` lists them, and the providers' credentials
//     come from a Secret (k8s) or deploy/.env (compose): adding a provider
//     is its package and one line in that list, and the manifests are
//     checked against it;
//   - the compose file publishes ports on 127.0.0.1 only and holds no
//     secret (they come from deploy/.env), and its test feeds the
//     environment of every serve and work in deploy/ to `bulkverify
//     check-config`.
//
// Run it from its directory (make deploy-check); it prints one line per
// file and every problem it finds. `go run . compose-env PATH` writes the
// secrets of compose.yaml to a new .env file instead (make compose-env).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "compose-env" {
		if err := writeComposeEnv(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "compose-env:", err)
			os.Exit(1)
		}
		fmt.Printf("wrote %s: random secrets for deploy/compose.yaml (keep it private)\n", os.Args[2])
		return
	}
	if err := run("..", "../../jobs/tasks.go"); err != nil {
		fmt.Fprintln(os.Stderr, "validate:", err)
		os.Exit(1)
	}
}

// run validates deploy/ (dir) and the Kubernetes manifests in dir/k8s
// against the queues declared in tasksFile.
func run(dir, tasksFile string) error {
	ps, err := loadProviders(filepath.Join(dir, ".."))
	if err != nil {
		return err
	}
	n, err := checkCompose(context.Background(), filepath.Join(dir, "compose.yaml"), ps)
	if err != nil {
		return fmt.Errorf("compose.yaml: %w", err)
	}
	fmt.Printf("compose.yaml: ok (%d services)\n", n)
	files, _ := filepath.Glob(filepath.Join(dir, "k8s", "*.yaml"))
	if len(files) == 0 {
		return fmt.Errorf("no manifests in %s", filepath.Join(dir, "k8s"))
	}
	schemas, err := loadCRDSchemas()
	if err != nil {
		return err
	}
	var objs []object
	for _, f := range files {
		o, err := decodeManifests(f, schemas)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		fmt.Printf("%s: ok (%d objects)\n", filepath.Base(f), len(o))
		objs = append(objs, o...)
	}
	queues, err := asynqQueues(tasksFile)
	if err != nil {
		return err
	}
	if errs := append(checkObjects(objs, queues), checkProviderEnv(objs, ps)...); len(errs) > 0 {
		msg := fmt.Sprintf("%d problems in deploy/k8s:", len(errs))
		for _, e := range errs {
			msg += "\n  " + e.Error()
		}
		return errors.New(msg)
	}
	fmt.Printf("deploy/k8s: ok (hardening, egress policy, disruption budgets, autoscaling on queues %v, the variables of providers %s)\n", queues, providerNames(ps))
	return nil
}
