package main

import (
	"bytes"
	"embed"
	"fmt"
	"path"

	"github.com/santhosh-tekuri/jsonschema/v6"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// crdFiles are CustomResourceDefinitions copied verbatim from KEDA's
// repository (config/crd/bases, release v2.21.0, the Go module
// github.com/kedacore/keda/v2@v2.21.0), so that validation needs no network.
//
//go:embed crds/*.yaml
var crdFiles embed.FS

// crdSchema validates one served version of a custom resource.
type crdSchema struct {
	gvk    string
	schema *jsonschema.Schema
}

// loadCRDSchemas compiles the openAPIV3Schema of every served version of
// every vendored CRD, keyed by "group/version/Kind".
func loadCRDSchemas() (map[string]*crdSchema, error) {
	out := map[string]*crdSchema{}
	names, err := crdFiles.ReadDir("crds")
	if err != nil {
		return nil, err
	}
	for _, e := range names {
		if path.Ext(e.Name()) != ".yaml" {
			continue
		}
		b, err := crdFiles.ReadFile("crds/" + e.Name())
		if err != nil {
			return nil, err
		}
		if err := addCRD(out, e.Name(), b); err != nil {
			return nil, fmt.Errorf("crds/%s: %w", e.Name(), err)
		}
	}
	return out, nil
}

func addCRD(out map[string]*crdSchema, name string, b []byte) error {
	var crd struct {
		Spec struct {
			Group string `json:"group"`
			Names struct {
				Kind string `json:"kind"`
			} `json:"names"`
			Versions []struct {
				Name   string `json:"name"`
				Served bool   `json:"served"`
				Schema struct {
					OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &crd); err != nil {
		return err
	}
	for _, v := range crd.Spec.Versions {
		if !v.Served || v.Schema.OpenAPIV3Schema == nil {
			continue
		}
		gvk := crd.Spec.Group + "/" + v.Name + "/" + crd.Spec.Names.Kind
		doc := v.Schema.OpenAPIV3Schema
		forbidUnknownFields(doc)
		c := jsonschema.NewCompiler()
		url := "crd:///" + name + "/" + v.Name
		if err := c.AddResource(url, doc); err != nil {
			return err
		}
		s, err := c.Compile(url)
		if err != nil {
			return err
		}
		out[gvk] = &crdSchema{gvk: gvk, schema: s}
	}
	return nil
}

// forbidUnknownFields makes every object schema that lists its properties
// reject others, as the API server's pruning would drop them silently
// (kubeconform -strict does the same). Objects marked
// x-kubernetes-preserve-unknown-fields or with their own
// additionalProperties keep them.
func forbidUnknownFields(s any) {
	m, ok := s.(map[string]any)
	if !ok {
		return
	}
	if props, ok := m["properties"].(map[string]any); ok {
		if _, has := m["additionalProperties"]; !has && m["x-kubernetes-preserve-unknown-fields"] != true {
			m["additionalProperties"] = false
		}
		for _, p := range props {
			forbidUnknownFields(p)
		}
	}
	for _, k := range []string{"items", "additionalProperties", "not"} {
		forbidUnknownFields(m[k])
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if l, ok := m[k].([]any); ok {
			for _, e := range l {
				forbidUnknownFields(e)
			}
		}
	}
}

// validate checks a manifest against the schema, and its metadata strictly
// against ObjectMeta (the CRD schemas leave metadata open).
func (c *crdSchema) validate(raw []byte) error {
	j, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		return err
	}
	if err := c.schema.Validate(inst); err != nil {
		return fmt.Errorf("against KEDA's CRD schema of %s: %w", c.gvk, err)
	}
	var md struct {
		Metadata map[string]any `json:"metadata"`
	}
	if err := yaml.Unmarshal(raw, &md); err != nil {
		return err
	}
	mraw, _ := yaml.Marshal(md.Metadata)
	var om metav1.ObjectMeta
	if err := yaml.UnmarshalStrict(mraw, &om); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	return nil
}
