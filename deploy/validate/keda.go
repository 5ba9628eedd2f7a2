package main

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// scaledObject is the part of KEDA's ScaledObject checked here (the schema
// has checked the rest).
type scaledObject struct {
	Spec struct {
		ScaleTargetRef struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Name       string `json:"name"`
		} `json:"scaleTargetRef"`
		MinReplicaCount *int32 `json:"minReplicaCount"`
		MaxReplicaCount *int32 `json:"maxReplicaCount"`
		Advanced        *struct {
			ScalingModifiers *struct {
				Formula    string `json:"formula"`
				Target     string `json:"target"`
				MetricType string `json:"metricType"`
			} `json:"scalingModifiers"`
		} `json:"advanced"`
		Triggers []trigger `json:"triggers"`
	} `json:"spec"`
}

type trigger struct {
	Type              string            `json:"type"`
	Name              string            `json:"name"`
	Metadata          map[string]string `json:"metadata"`
	AuthenticationRef *struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	} `json:"authenticationRef"`
}

// redisMetadata are the trigger metadata keys KEDA 2.21's redis scaler
// reads (pkg/scalers/redis_scaler.go: redisMetadata and
// redisConnectionInfo); the connection ones may also come from the target
// container's environment as <key>FromEnv. Anything else is ignored by
// KEDA, so here it is a typo.
var redisMetadata = func() map[string]bool {
	m := map[string]bool{"listLength": true, "activationListLength": true, "listName": true,
		"databaseIndex": true, "enableTLS": true, "unsafeSsl": true}
	for _, k := range []string{"address", "addresses", "host", "hosts", "port", "ports", "username",
		"password", "sentinelUsername", "sentinelPassword", "sentinelMaster"} {
		m[k], m[k+"FromEnv"] = true, true
	}
	return m
}()

// asynqList matches the Redis lists asynq keeps per queue (internal/base:
// PendingKey, ActiveKey).
var asynqList = regexp.MustCompile(`^asynq:\{([^}]+)\}:(pending|active)$`)

// checkScaledObject checks that the ScaledObject scales a Deployment of
// the manifests that leaves its replicas to it, watches the pending list
// of every queue the workers serve and nothing else, reaches the Redis the
// workers use, and that its formula names its triggers.
func checkScaledObject(o object, objs []object, queues []string) []error {
	p := &problems{o: o}
	var so scaledObject
	raw, _ := yaml.Marshal(o.doc)
	if err := yaml.Unmarshal(raw, &so); err != nil {
		p.add("%v", err)
		return p.errs
	}
	target := checkScaleTarget(p, so, objs, o.namespace)
	if mn := so.Spec.MinReplicaCount; mn == nil || *mn < 1 {
		p.add("minReplicaCount must be at least 1: a running worker moves asynq's scheduled and retried tasks to pending and runs the sweeper")
	}
	if mn, mx := so.Spec.MinReplicaCount, so.Spec.MaxReplicaCount; mn != nil && mx != nil && *mx < *mn {
		p.add("maxReplicaCount %d is below minReplicaCount %d", *mx, *mn)
	}
	names := map[string]bool{}
	watched := map[string]bool{}
	redis := redisOf(target, objs, o.namespace)
	for i, t := range so.Spec.Triggers {
		if t.Name == "" || names[t.Name] {
			p.add("trigger %d: a name is needed, unique in the ScaledObject (got %q)", i, t.Name)
		}
		names[t.Name] = true
		if t.Type == "redis" {
			checkRedisTrigger(p, t, queues, redis, watched)
			checkTriggerAuth(p, t, objs, o.namespace, redis)
		}
	}
	for _, q := range queues {
		if !watched["asynq:{"+q+"}:pending"] {
			p.add("no redis trigger watches queue %s (listName asynq:{%s}:pending); the workers serve it (jobs/tasks.go)", q, q)
		}
	}
	checkFormula(p, so, names)
	return p.errs
}

func checkScaleTarget(p *problems, so scaledObject, objs []object, ns string) *appsv1.Deployment {
	ref := so.Spec.ScaleTargetRef
	if (ref.Kind != "" && ref.Kind != "Deployment") || (ref.APIVersion != "" && ref.APIVersion != "apps/v1") {
		p.add("scaleTargetRef is %s %s, not an apps/v1 Deployment", ref.APIVersion, ref.Kind)
		return nil
	}
	for _, d := range deployments(objs, ns) {
		if d.Name == ref.Name {
			if d.Spec.Replicas != nil {
				p.add("Deployment %s sets replicas: %d; leave them to the ScaledObject, or every kubectl apply resets them", d.Name, *d.Spec.Replicas)
			}
			return d
		}
	}
	p.add("scaleTargetRef %s is no Deployment in namespace %s", ref.Name, ns)
	return nil
}

// redisConn is where the scale target's BV_REDIS_URL points, when the
// manifests say it.
type redisConn struct {
	addr, db, password string
}

// redisOf follows the target's envFrom Secrets and ConfigMaps to
// BV_REDIS_URL; nil when it is not found there.
func redisOf(d *appsv1.Deployment, objs []object, ns string) *redisConn {
	if d == nil {
		return nil
	}
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, ef := range c.EnvFrom {
			for _, o := range objs {
				if o.namespace != ns {
					continue
				}
				var v string
				switch t := o.typed.(type) {
				case *corev1.Secret:
					if ef.SecretRef != nil && ef.SecretRef.Name == t.Name {
						v = secretValue(t, "BV_REDIS_URL")
					}
				case *corev1.ConfigMap:
					if ef.ConfigMapRef != nil && ef.ConfigMapRef.Name == t.Name {
						v = t.Data["BV_REDIS_URL"]
					}
				}
				if u, err := url.Parse(v); v != "" && err == nil {
					pw, _ := u.User.Password()
					db := strings.TrimPrefix(u.Path, "/")
					if db == "" {
						db = "0"
					}
					return &redisConn{addr: u.Host, db: db, password: pw}
				}
			}
		}
	}
	return nil
}

func secretValue(s *corev1.Secret, key string) string {
	if v, ok := s.StringData[key]; ok {
		return v
	}
	return string(s.Data[key])
}

func checkRedisTrigger(p *problems, t trigger, queues []string, redis *redisConn, watched map[string]bool) {
	for k := range t.Metadata {
		if !redisMetadata[k] {
			p.add("trigger %s: metadata %q is not read by KEDA's redis scaler", t.Name, k)
		}
	}
	list := t.Metadata["listName"]
	m := asynqList.FindStringSubmatch(list)
	switch {
	case m == nil:
		p.add("trigger %s: listName %q is not an asynq queue list (asynq:{<queue>}:pending or :active)", t.Name, list)
	case !slices.Contains(queues, m[1]):
		p.add("trigger %s: queue %q is not one the workers serve (%v in jobs/tasks.go)", t.Name, m[1], queues)
	default:
		watched[list] = true
	}
	if t.Metadata["address"] == "" && t.Metadata["host"] == "" && t.Metadata["addressFromEnv"] == "" && t.Metadata["hostFromEnv"] == "" {
		p.add("trigger %s: no address (or host) of Redis", t.Name)
	}
	if redis == nil {
		return
	}
	if a := t.Metadata["address"]; a != "" && a != redis.addr {
		p.add("trigger %s: address %s is not the workers' Redis (%s in BV_REDIS_URL)", t.Name, a, redis.addr)
	}
	if db := cmpOrString(t.Metadata["databaseIndex"], "0"); db != redis.db {
		p.add("trigger %s: databaseIndex %s is not the workers' database (%s in BV_REDIS_URL)", t.Name, db, redis.db)
	}
}

func cmpOrString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// checkTriggerAuth checks that a trigger's TriggerAuthentication exists and
// that the Secret keys it reads do, and that a password it gives the scaler
// is the one in BV_REDIS_URL.
func checkTriggerAuth(p *problems, t trigger, objs []object, ns string, redis *redisConn) {
	if t.AuthenticationRef == nil {
		if redis != nil && redis.password != "" {
			p.add("trigger %s: BV_REDIS_URL has a password but the trigger has no authenticationRef", t.Name)
		}
		return
	}
	if k := t.AuthenticationRef.Kind; k != "" && k != "TriggerAuthentication" {
		return // a ClusterTriggerAuthentication lives outside these manifests
	}
	var ta *object
	for i, o := range objs {
		if o.kind == "TriggerAuthentication" && o.namespace == ns && o.name == t.AuthenticationRef.Name {
			ta = &objs[i]
		}
	}
	if ta == nil {
		p.add("trigger %s: TriggerAuthentication %s is not in the manifests", t.Name, t.AuthenticationRef.Name)
		return
	}
	var spec struct {
		Spec struct {
			SecretTargetRef []struct {
				Parameter string `json:"parameter"`
				Name      string `json:"name"`
				Key       string `json:"key"`
			} `json:"secretTargetRef"`
		} `json:"spec"`
	}
	raw, _ := yaml.Marshal(ta.doc)
	yaml.Unmarshal(raw, &spec)
	for _, ref := range spec.Spec.SecretTargetRef {
		s := secretNamed(objs, ns, ref.Name)
		if s == nil {
			p.add("trigger %s: TriggerAuthentication %s reads Secret %s, which is not in the manifests", t.Name, ta.name, ref.Name)
			continue
		}
		v, ok := s.StringData[ref.Key]
		if _, inData := s.Data[ref.Key]; !ok && !inData {
			p.add("trigger %s: Secret %s has no key %s", t.Name, ref.Name, ref.Key)
		}
		if ref.Parameter == "password" && ok && redis != nil && v != redis.password {
			p.add("trigger %s: the password in Secret %s/%s differs from BV_REDIS_URL's", t.Name, ref.Name, ref.Key)
		}
	}
}

func secretNamed(objs []object, ns, name string) *corev1.Secret {
	for _, o := range objs {
		if s, ok := o.typed.(*corev1.Secret); ok && o.namespace == ns && s.Name == name {
			return s
		}
	}
	return nil
}

// formulaIdent finds the identifiers of a scalingModifiers formula (KEDA
// evaluates it with expr-lang); one followed by "(" is a function.
var formulaIdent = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)(\s*\()?`)

// checkFormula checks that scalingModifiers uses every trigger (KEDA
// ignores the others) and only triggers, with a positive target.
func checkFormula(p *problems, so scaledObject, names map[string]bool) {
	if so.Spec.Advanced == nil || so.Spec.Advanced.ScalingModifiers == nil {
		return
	}
	sm := so.Spec.Advanced.ScalingModifiers
	used := map[string]bool{}
	for _, m := range formulaIdent.FindAllStringSubmatch(sm.Formula, -1) {
		id := m[1]
		if m[2] != "" {
			continue
		}
		if !names[id] {
			p.add("scalingModifiers.formula names %q, which is no trigger", id)
		}
		used[id] = true
	}
	for n := range names {
		if !used[n] {
			p.add("trigger %s is not in scalingModifiers.formula, so KEDA ignores it", n)
		}
	}
	if v, err := strconv.ParseFloat(sm.Target, 64); err != nil || v <= 0 {
		p.add("scalingModifiers.target %q is not a positive number", sm.Target)
	}
	if sm.MetricType == "Utilization" {
		p.add("scalingModifiers.metricType Utilization is not allowed for external metrics")
	}
}
