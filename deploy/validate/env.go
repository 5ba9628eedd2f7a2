package main

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// containerEnv is the environment a container of Deployment d gets from
// the manifests: its envFrom ConfigMaps and Secrets in order, then its env
// (a value, or a key of a ConfigMap or Secret), as the kubelet builds it.
// A reference to an object or key the manifests lack is an error, unless
// it is optional.
func containerEnv(d *appsv1.Deployment, c corev1.Container, objs []object) (map[string]string, error) {
	ns := d.Namespace
	env := map[string]string{}
	for _, ef := range c.EnvFrom {
		var data map[string]string
		switch {
		case ef.ConfigMapRef != nil:
			cm := configMapNamed(objs, ns, ef.ConfigMapRef.Name)
			if cm == nil {
				if isOptional(ef.ConfigMapRef.Optional) {
					continue
				}
				return nil, fmt.Errorf("container %s: envFrom ConfigMap %s is not in the manifests", c.Name, ef.ConfigMapRef.Name)
			}
			data = cm.Data
		case ef.SecretRef != nil:
			s := secretNamed(objs, ns, ef.SecretRef.Name)
			if s == nil {
				if isOptional(ef.SecretRef.Optional) {
					continue
				}
				return nil, fmt.Errorf("container %s: envFrom Secret %s is not in the manifests", c.Name, ef.SecretRef.Name)
			}
			data = secretData(s)
		}
		for k, v := range data {
			env[ef.Prefix+k] = v
		}
	}
	for _, e := range c.Env {
		switch vf := e.ValueFrom; {
		case vf == nil:
			env[e.Name] = e.Value
		case vf.ConfigMapKeyRef != nil:
			ref := vf.ConfigMapKeyRef
			cm := configMapNamed(objs, ns, ref.Name)
			v, ok := "", false
			if cm != nil {
				v, ok = cm.Data[ref.Key]
			}
			if !ok && !isOptional(ref.Optional) {
				return nil, fmt.Errorf("container %s: %s: ConfigMap %s has no key %s in the manifests", c.Name, e.Name, ref.Name, ref.Key)
			}
			if ok {
				env[e.Name] = v
			}
		case vf.SecretKeyRef != nil:
			ref := vf.SecretKeyRef
			s := secretNamed(objs, ns, ref.Name)
			v, ok := "", false
			if s != nil {
				v, ok = secretData(s)[ref.Key]
			}
			if !ok && !isOptional(ref.Optional) {
				return nil, fmt.Errorf("container %s: %s: Secret %s has no key %s in the manifests", c.Name, e.Name, ref.Name, ref.Key)
			}
			if ok {
				env[e.Name] = v
			}
		}
	}
	return env, nil
}

func isOptional(b *bool) bool { return b != nil && *b }

// secretData merges a Secret's data and stringData, stringData winning as
// the API server does.
func secretData(s *corev1.Secret) map[string]string {
	out := map[string]string{}
	for k, v := range s.Data {
		out[k] = string(v)
	}
	for k, v := range s.StringData {
		out[k] = v
	}
	return out
}

func configMapNamed(objs []object, ns, name string) *corev1.ConfigMap {
	for _, o := range objs {
		if cm, ok := o.typed.(*corev1.ConfigMap); ok && o.namespace == ns && cm.Name == name {
			return cm
		}
	}
	return nil
}
