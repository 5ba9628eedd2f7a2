package main

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// checkEgress requires the pods of every Deployment to be selected by a
// NetworkPolicy that limits their egress, and those policies to allow
// what the pods need: DNS (UDP 53), and TCP to the port of BV_REDIS_URL
// (and its other nodes), BV_S3_ENDPOINT (443, AWS S3, when unset) and
// every BV_*_BASE_URL in their environment. Only ports are checked: the
// destinations are names the cluster resolves at run time.
func checkEgress(objs []object) []error {
	var errs []error
	for _, o := range objs {
		d, ok := o.typed.(*appsv1.Deployment)
		if !ok {
			continue
		}
		p := &problems{o: o}
		pols := egressPolicies(objs, o.namespace, d.Spec.Template.Labels)
		if len(pols) == 0 {
			p.add("no NetworkPolicy limits the egress of its pods")
			errs = append(errs, p.errs...)
			continue
		}
		if !allows(pols, corev1.ProtocolUDP, 53) {
			p.add("its NetworkPolicies allow no DNS (UDP 53)")
		}
		for _, c := range d.Spec.Template.Spec.Containers {
			env, err := containerEnv(d, c, objs)
			if err != nil {
				p.add("%v", err)
				continue
			}
			for _, n := range neededPorts(env) {
				if !allows(pols, corev1.ProtocolTCP, n.port) {
					p.add("container %s: %s needs TCP port %d, which no egress rule of its NetworkPolicies allows", c.Name, n.what, n.port)
				}
			}
		}
		errs = append(errs, p.errs...)
	}
	return errs
}

// egressPolicies returns the NetworkPolicies of namespace ns that select
// pods labelled podLabels and limit their egress.
func egressPolicies(objs []object, ns string, podLabels map[string]string) []*networkingv1.NetworkPolicy {
	var out []*networkingv1.NetworkPolicy
	for _, o := range objs {
		np, ok := o.typed.(*networkingv1.NetworkPolicy)
		if !ok || o.namespace != ns {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
		if err != nil || !sel.Matches(labels.Set(podLabels)) {
			continue
		}
		// Without policyTypes, a policy limits egress when it has egress
		// rules (the API server's default).
		if slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) || (len(np.Spec.PolicyTypes) == 0 && len(np.Spec.Egress) > 0) {
			out = append(out, np)
		}
	}
	return out
}

// allows reports whether an egress rule of pols lets proto traffic out to
// port (to some destination).
func allows(pols []*networkingv1.NetworkPolicy, proto corev1.Protocol, port int32) bool {
	for _, np := range pols {
		for _, rule := range np.Spec.Egress {
			if len(rule.Ports) == 0 {
				return true
			}
			for _, rp := range rule.Ports {
				if portMatches(rp, proto, port) {
					return true
				}
			}
		}
	}
	return false
}

func portMatches(rp networkingv1.NetworkPolicyPort, proto corev1.Protocol, port int32) bool {
	p := corev1.ProtocolTCP
	if rp.Protocol != nil {
		p = *rp.Protocol
	}
	if p != proto {
		return false
	}
	if rp.Port == nil {
		return true
	}
	if rp.Port.Type != intstr.Int {
		return false // a named port is the destination pod's: unknown here
	}
	if rp.EndPort != nil {
		return port >= rp.Port.IntVal && port <= *rp.EndPort
	}
	return port == rp.Port.IntVal
}

// neededPort is a TCP port the pods connect to, and why.
type neededPort struct {
	what string
	port int32
}

// neededPorts lists the TCP ports the service's URLs in env connect to.
func neededPorts(env map[string]string) []neededPort {
	var out []neededPort
	add := func(what, hostport string, def int32) {
		port := def
		if _, ps, err := net.SplitHostPort(hostport); err == nil {
			if n, err := strconv.Atoi(ps); err == nil {
				port = int32(n)
			}
		}
		if !slices.Contains(out, neededPort{what, port}) {
			out = append(out, neededPort{what, port})
		}
	}
	if u, err := url.Parse(env["BV_REDIS_URL"]); err == nil && u.Host != "" {
		add("BV_REDIS_URL", u.Host, 6379)
		for _, a := range u.Query()["addr"] {
			add("BV_REDIS_URL", a, 6379)
		}
	}
	if env["BV_S3_ENDPOINT"] == "" {
		add("S3 (BV_S3_ENDPOINT unset: AWS)", "", 443)
	}
	var keys []string
	for k := range env {
		if k == "BV_S3_ENDPOINT" || (strings.HasPrefix(k, "BV_") && strings.HasSuffix(k, "_BASE_URL")) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		u, err := url.Parse(env[k])
		if err != nil || u.Host == "" {
			continue
		}
		def := int32(443)
		if u.Scheme == "http" {
			def = 80
		}
		add(fmt.Sprintf("%s (%s)", k, u.Host), u.Host, def)
	}
	return out
}
