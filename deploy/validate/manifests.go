package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	yamlv3 "gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// object is one decoded manifest: typed for the Kubernetes kinds, the
// generic document for KEDA's.
type object struct {
	file      string
	kind      string
	name      string
	namespace string
	typed     any            // *appsv1.Deployment, ... ; nil for CRD kinds
	doc       map[string]any // the manifest as decoded from YAML
}

func (o object) String() string {
	return fmt.Sprintf("%s %s/%s (%s)", o.kind, o.namespace, o.name, filepath.Base(o.file))
}

// builtinKinds are the Kubernetes kinds decoded strictly into their API
// types, by apiVersion and kind.
var builtinKinds = map[string]func() any{
	"v1/Namespace":                       func() any { return &corev1.Namespace{} },
	"v1/ConfigMap":                       func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                          func() any { return &corev1.Secret{} },
	"v1/Service":                         func() any { return &corev1.Service{} },
	"apps/v1/Deployment":                 func() any { return &appsv1.Deployment{} },
	"policy/v1/PodDisruptionBudget":      func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy": func() any { return &networkingv1.NetworkPolicy{} },
}

// decodeManifests decodes every document of a multi-document YAML file.
func decodeManifests(path string, schemas map[string]*crdSchema) ([]object, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yamlv3.NewDecoder(bytes.NewReader(b))
	var out []object
	for i := 1; ; i++ {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return out, fmt.Errorf("document %d: %w", i, err)
		}
		if doc == nil {
			continue
		}
		o, err := decodeObject(doc, schemas)
		if err != nil {
			return out, fmt.Errorf("object %d (%v %v): %w", i, doc["kind"], nameOf(doc), err)
		}
		o.file = path
		out = append(out, o)
	}
}

func decodeObject(doc map[string]any, schemas map[string]*crdSchema) (object, error) {
	raw, err := yaml.Marshal(doc)
	if err != nil {
		return object{}, err
	}
	var tm struct {
		metav1.TypeMeta `json:",inline"`
		Metadata        metav1.ObjectMeta `json:"metadata"`
	}
	if err := yaml.Unmarshal(raw, &tm); err != nil {
		return object{}, err
	}
	o := object{kind: tm.Kind, name: tm.Metadata.Name, namespace: tm.Metadata.Namespace, doc: doc}
	if o.name == "" {
		return o, errors.New("metadata.name is missing")
	}
	gvk := tm.APIVersion + "/" + tm.Kind
	if newT, ok := builtinKinds[gvk]; ok {
		o.typed = newT()
		return o, yaml.UnmarshalStrict(raw, o.typed)
	}
	if s, ok := schemas[gvk]; ok {
		return o, s.validate(raw)
	}
	return o, fmt.Errorf("%s is not checked here: add its type or CRD schema to deploy/validate", gvk)
}

func nameOf(doc map[string]any) any {
	if md, ok := doc["metadata"].(map[string]any); ok {
		return md["name"]
	}
	return nil
}
