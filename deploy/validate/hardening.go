package main

import (
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// checkObjects checks the manifests together and returns every problem.
func checkObjects(objs []object, queues []string) []error {
	var errs []error
	for _, o := range objs {
		switch t := o.typed.(type) {
		case *appsv1.Deployment:
			errs = append(errs, checkDeployment(o, t)...)
		case *policyv1.PodDisruptionBudget:
			errs = append(errs, checkPDB(o, t, objs)...)
		}
		if o.kind == "ScaledObject" {
			errs = append(errs, checkScaledObject(o, objs, queues)...)
		}
	}
	return append(errs, checkEgress(objs)...)
}

// problems collects the errors found in one object.
type problems struct {
	o    object
	errs []error
}

func (p *problems) add(format string, a ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s", p.o, fmt.Sprintf(format, a...)))
}

// checkDeployment requires what the cluster cannot enforce on its own:
// every container runs as non-root without privileges on a read-only root
// filesystem, has liveness and readiness probes on a port it declares, and
// resource requests and limits for CPU and memory.
func checkDeployment(o object, d *appsv1.Deployment) []error {
	p := &problems{o: o}
	pod := d.Spec.Template.Spec
	if len(pod.Containers) == 0 {
		p.add("no containers")
	}
	for _, c := range pod.InitContainers {
		checkContainerSecurity(p, pod.SecurityContext, c)
		checkResources(p, c)
	}
	for _, c := range pod.Containers {
		checkContainerSecurity(p, pod.SecurityContext, c)
		checkResources(p, c)
		checkProbe(p, c, "livenessProbe", c.LivenessProbe)
		checkProbe(p, c, "readinessProbe", c.ReadinessProbe)
	}
	return p.errs
}

func checkContainerSecurity(p *problems, psc *corev1.PodSecurityContext, c corev1.Container) {
	csc := c.SecurityContext
	if csc == nil {
		csc = &corev1.SecurityContext{}
	}
	nonRoot, uid := csc.RunAsNonRoot, csc.RunAsUser
	if psc != nil {
		nonRoot = cmpOr(nonRoot, psc.RunAsNonRoot)
		uid = cmpOr(uid, psc.RunAsUser)
	}
	if nonRoot == nil || !*nonRoot {
		p.add("container %s: runAsNonRoot is not true (pod or container securityContext)", c.Name)
	}
	if uid != nil && *uid == 0 {
		p.add("container %s: runAsUser is 0 (root)", c.Name)
	}
	if csc.AllowPrivilegeEscalation == nil || *csc.AllowPrivilegeEscalation {
		p.add("container %s: securityContext.allowPrivilegeEscalation is not false", c.Name)
	}
	if csc.Privileged != nil && *csc.Privileged {
		p.add("container %s: privileged", c.Name)
	}
	if csc.ReadOnlyRootFilesystem == nil || !*csc.ReadOnlyRootFilesystem {
		p.add("container %s: securityContext.readOnlyRootFilesystem is not true", c.Name)
	}
	if csc.Capabilities == nil || !slices.Contains(csc.Capabilities.Drop, "ALL") {
		p.add("container %s: securityContext.capabilities.drop does not contain ALL", c.Name)
	}
}

// cmpOr returns the container's setting, else the pod's.
func cmpOr[T any](container, pod *T) *T {
	if container != nil {
		return container
	}
	return pod
}

func checkResources(p *problems, c corev1.Container) {
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if q, ok := c.Resources.Requests[r]; !ok || q.IsZero() {
			p.add("container %s: no %s request", c.Name, r)
		}
		if q, ok := c.Resources.Limits[r]; !ok || q.IsZero() {
			p.add("container %s: no %s limit", c.Name, r)
		}
	}
}

func checkProbe(p *problems, c corev1.Container, field string, pr *corev1.Probe) {
	if pr == nil {
		p.add("container %s: no %s", c.Name, field)
		return
	}
	var port *intstr.IntOrString
	switch {
	case pr.HTTPGet != nil:
		port = &pr.HTTPGet.Port
	case pr.TCPSocket != nil:
		port = &pr.TCPSocket.Port
	default:
		return
	}
	for _, cp := range c.Ports {
		if (port.Type == intstr.String && cp.Name == port.StrVal) || (port.Type == intstr.Int && cp.ContainerPort == port.IntVal) {
			return
		}
	}
	p.add("container %s: %s probes port %s, which the container does not declare", c.Name, field, port)
}

// checkPDB requires a budget to select the pods of a Deployment in its
// namespace, and, for minAvailable, to leave at least one of them
// evictable, else a node drain would wait forever.
func checkPDB(o object, b *policyv1.PodDisruptionBudget, objs []object) []error {
	p := &problems{o: o}
	if (b.Spec.MinAvailable == nil) == (b.Spec.MaxUnavailable == nil) {
		p.add("set exactly one of minAvailable and maxUnavailable")
	}
	sel, err := metav1.LabelSelectorAsSelector(b.Spec.Selector)
	if err != nil || b.Spec.Selector == nil || sel.Empty() {
		p.add("no usable selector")
		return p.errs
	}
	var matched []*appsv1.Deployment
	for _, d := range deployments(objs, o.namespace) {
		if sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			matched = append(matched, d)
		}
	}
	if len(matched) == 0 {
		p.add("selector %s matches the pods of no Deployment in namespace %s", sel, o.namespace)
	}
	for _, d := range matched {
		mi := b.Spec.MinAvailable
		if mi != nil && mi.Type == intstr.Int && d.Spec.Replicas != nil && mi.IntVal >= *d.Spec.Replicas {
			p.add("minAvailable %d leaves none of Deployment %s's %d replicas evictable", mi.IntVal, d.Name, *d.Spec.Replicas)
		}
	}
	return p.errs
}

// deployments returns the Deployments of a namespace.
func deployments(objs []object, ns string) []*appsv1.Deployment {
	var out []*appsv1.Deployment
	for _, o := range objs {
		if d, ok := o.typed.(*appsv1.Deployment); ok && o.namespace == ns {
			out = append(out, d)
		}
	}
	return out
}
