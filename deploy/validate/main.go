// Command validate checks the deployment files without a Docker engine or a
// Kubernetes cluster: the compose file is loaded and validated by
// compose-go (the library behind `docker compose config`), and every
// Kubernetes manifest is decoded strictly into its API type, so that an
// unknown or misspelled field is an error.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
	yamlv3 "gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "validate:", err)
		os.Exit(1)
	}
}

func run() error {
	opts, err := cli.NewProjectOptions([]string{"../compose.yaml"}, cli.WithWorkingDirectory(".."), cli.WithResolvedPaths(true))
	if err != nil {
		return err
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		return fmt.Errorf("compose.yaml: %w", err)
	}
	fmt.Printf("compose.yaml: ok (%d services)\n", len(p.Services))
	files, _ := filepath.Glob("../k8s/*.yaml")
	for _, f := range files {
		n, err := checkManifests(f)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		fmt.Printf("%s: ok (%d objects)\n", filepath.Base(f), n)
	}
	return nil
}

func checkManifests(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	dec := yamlv3.NewDecoder(bytes.NewReader(b))
	n := 0
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return n, err
		}
		raw, _ := yaml.Marshal(doc)
		var obj any
		switch doc["kind"] {
		case "Namespace":
			obj = &corev1.Namespace{}
		case "ConfigMap":
			obj = &corev1.ConfigMap{}
		case "Secret":
			obj = &corev1.Secret{}
		case "Service":
			obj = &corev1.Service{}
		case "Deployment":
			obj = &appsv1.Deployment{}
		default:
			return n, fmt.Errorf("object %d: kind %v is not checked here", n+1, doc["kind"])
		}
		if err := yaml.UnmarshalStrict(raw, obj); err != nil {
			return n, fmt.Errorf("object %d (%v): %w", n+1, doc["kind"], err)
		}
		n++
	}
}
