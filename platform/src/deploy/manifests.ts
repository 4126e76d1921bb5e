/**
 * The platform's Kubernetes deployment, as typed objects validated against the Kubernetes API schemas.
 *
 * Why not a Helm chart: neither helm nor kustomize comes from npm or Debian (the only registries CI has),
 * so a chart could not be rendered or checked in CI. kubernetes-models carries the Kubernetes OpenAPI
 * schemas (1.27) and validates every object it builds; `npm run deploy:render` writes the same YAML an
 * operator applies with `kubectl apply -f`, from a values file like a chart's.
 *
 * Shape: one Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget per process (the edge,
 * the gateway and every subgraph), a migration Job, one ConfigMap with the non-secret settings, secrets
 * only by reference to one Secret (created by the operator; never rendered with values unless asked),
 * and NetworkPolicies: deny all ingress, then only the edge from outside, only the edge to the gateway,
 * only the gateway to the subgraphs.
 */
import { ConfigMap, Secret, Service, type IContainer, type IEnvVar } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { DEFAULT_EDGE_PORT, DEFAULT_PORTS, SERVICES, type ServiceName } from '@victori/shared';

export type Component = 'edge' | 'gateway' | ServiceName;

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface DeployValues {
  namespace: string;
  /** The image built from deploy/Dockerfile, by digest or immutable tag. */
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Name of the Secret that holds every key in SECRET_KEYS (created by the operator). */
  secretName: string;
  /** Pod network of the cluster: the gateway trusts X-Forwarded-For only from the edges, which live there. */
  podCidr: string;
  /** Addresses of the load balancer / ingress in front of the edge, whose X-Forwarded-For names the client. */
  edgeTrustedProxies: string;
  /** Where the ingress controller runs: the only namespace whose pods may reach the edge when set (else any). */
  ingressNamespace?: string;
  /** Non-secret settings for every process (NODE_ENV, SATUSEHAT_BASE_URL, limits, ...). */
  config: Record<string, string>;
  replicas: Record<Component, { min: number; max: number }>;
  resources: Record<Component, Resources>;
  /** Average CPU utilisation (of requests) the autoscaler aims at. */
  targetCpuPercent: number;
  /** Seconds between SIGTERM and SIGKILL; the preStop delay lets endpoints drop the pod first. */
  terminationGraceSeconds: number;
  preStopDelaySeconds: number;
}

/** Every secret a process reads, and which processes read it. Only these keys are in the Secret. */
export const SECRET_KEYS = {
  GATEWAY_SECRET: ['gateway', ...SERVICES],
  PII_KEY: [...SERVICES],
  JWT_PUBLIC_KEY: ['gateway'],
  JWT_PRIVATE_KEY: ['identity'],
  BUS_DATABASE_URL: [...SERVICES],
  ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_DATABASE_URL`, [s]])),
  SATUSEHAT_CLIENT_ID: ['immunization'],
  SATUSEHAT_CLIENT_SECRET: ['immunization'],
  PCARE_CONS_ID: ['immunization'],
  PCARE_SECRET_KEY: ['immunization'],
  PCARE_USER_KEY: ['immunization'],
  PCARE_USERNAME: ['immunization'],
  PCARE_PASSWORD: ['immunization'],
  CERTIFICATE_SIGNING_KEYS: ['immunization'],
  // Replicas share rate limits, the edge cache, persisted queries and mutation hashes (the URL may carry a password).
  REDIS_URL: ['edge', 'gateway', 'booking', 'identity'],
  // The event log on NATS JetStream (every service relays and consumes; the URL may carry credentials).
  NATS_URL: [...SERVICES],
} as Record<string, Component[]>;

const SMALL: Resources = { requests: { cpu: '250m', memory: '192Mi' }, limits: { cpu: '1', memory: '384Mi' } };
const LARGE: Resources = { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '2', memory: '512Mi' } };

export function defaultValues(): DeployValues {
  const components: Component[] = ['edge', 'gateway', ...SERVICES];
  return {
    namespace: 'victori',
    image: 'registry.semarangkota.go.id/victori/platform:0.1.0',
    imagePullPolicy: 'IfNotPresent',
    secretName: 'victori-secrets',
    podCidr: '10.244.0.0/16',
    edgeTrustedProxies: '10.244.0.0/16',
    config: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      SATUSEHAT_BASE_URL: 'https://api-satusehat.kemkes.go.id/fhir-r4/v1',
      SATUSEHAT_AUTH_URL: 'https://api-satusehat.kemkes.go.id/oauth2/v1',
      PCARE_BASE_URL: 'https://apijkn.bpjs-kesehatan.go.id/pcare-rest',
      CERTIFICATE_ISSUER: 'https://victori.semarangkota.go.id',
      // One prefix per deployment: two deployments may share one Redis without sharing a key.
      REDIS_KEY_PREFIX: 'victori-semarang:',
      // Replicas on several machines: the event log on JetStream (docs/jetstream.md), three stream replicas.
      EVENT_TRANSPORT: 'jetstream',
      NATS_STREAM: 'VICTORI_EVENTS',
      NATS_REPLICAS: '3',
    },
    replicas: Object.fromEntries(
      components.map((c) => [c, { min: 2, max: c === 'edge' || c === 'gateway' || c === 'booking' ? 10 : 4 }]),
    ) as DeployValues['replicas'],
    resources: Object.fromEntries(
      components.map((c) => [c, c === 'gateway' || c === 'booking' ? LARGE : SMALL]),
    ) as DeployValues['resources'],
    targetCpuPercent: 70,
    terminationGraceSeconds: 30,
    preStopDelaySeconds: 5,
  };
}

/** Deep-enough merge of a values file (JSON) over the defaults: objects merge, everything else replaces. */
export function mergeValues(base: DeployValues, override: Partial<Record<keyof DeployValues, unknown>>): DeployValues {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? mergeObjects(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out as unknown as DeployValues;
}

function mergeObjects(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object'
        ? mergeObjects(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export function portOf(component: Component): number {
  return component === 'edge' ? DEFAULT_EDGE_PORT : DEFAULT_PORTS[component];
}

function name(component: Component | 'migrate' | 'config'): string {
  return `victori-${component}`;
}

function labels(component: Component | 'migrate'): Record<string, string> {
  return { 'app.kubernetes.io/name': 'victori', 'app.kubernetes.io/part-of': 'victori', 'app.kubernetes.io/component': component };
}

function selector(component: Component): Record<string, string> {
  return { 'app.kubernetes.io/name': 'victori', 'app.kubernetes.io/component': component };
}

const ENTRY: Record<Component, string> = {
  edge: 'gateway/dist/edge-main.js',
  gateway: 'gateway/dist/index.js',
  ...(Object.fromEntries(SERVICES.map((s) => [s, `services/${s}/dist/index.js`])) as Record<ServiceName, string>),
};

/**
 * Ready means "can serve". A subgraph's /ready checks its database; the edge's /ready is 503 only when no
 * gateway answers (a subgraph down is "degraded", still 200). The gateway's own /ready is 503 while any
 * subgraph is down, so as a probe it would take every gateway out of its Service when one subgraph
 * fails and turn one process down into all down; it is probed at /health, and the subgraph's state
 * reaches clients as SUBGRAPH_UNAVAILABLE on the fields that need it.
 */
export const READINESS_PATH: Record<Component, string> = {
  edge: '/ready',
  gateway: '/health',
  ...(Object.fromEntries(SERVICES.map((s) => [s, '/ready'])) as Record<ServiceName, string>),
};

function secretEnv(component: Component, values: DeployValues): IEnvVar[] {
  return Object.entries(SECRET_KEYS)
    .filter(([, users]) => users.includes(component))
    .map(([key]) => ({ name: key, valueFrom: { secretKeyRef: { name: values.secretName, key } } }));
}

function processEnv(component: Component, values: DeployValues): IEnvVar[] {
  const env: IEnvVar[] = [{ name: 'HOST', value: '0.0.0.0' }];
  const gatewayUrl = `http://${name('gateway')}:${portOf('gateway')}/graphql`;
  if (component === 'edge') {
    env.push(
      { name: 'EDGE_PORT', value: String(portOf('edge')) },
      { name: 'EDGE_UPSTREAM_URL', value: `http://${name('gateway')}:${portOf('gateway')}` },
      { name: 'EDGE_TRUSTED_PROXIES', value: values.edgeTrustedProxies },
    );
  } else if (component === 'gateway') {
    env.push(
      { name: 'GATEWAY_PORT', value: String(portOf('gateway')) },
      // The edges are the only peers allowed to name the client; they live in the pod network.
      { name: 'GATEWAY_TRUSTED_PROXIES', value: values.podCidr },
      ...SERVICES.map((s) => ({ name: `${s.toUpperCase()}_URL`, value: `http://${name(s)}:${portOf(s)}/graphql` })),
    );
  } else {
    env.push({ name: `${component.toUpperCase()}_PORT`, value: String(portOf(component)) }, { name: 'GATEWAY_URL', value: gatewayUrl });
  }
  return [...env, ...secretEnv(component, values)];
}

function container(component: Component, values: DeployValues): IContainer {
  const port = portOf(component);
  return {
    name: component,
    image: values.image,
    imagePullPolicy: values.imagePullPolicy,
    command: ['node', ENTRY[component]],
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env: processEnv(component, values),
    envFrom: [{ configMapRef: { name: name('config') } }],
    resources: values.resources[component],
    readinessProbe: {
      httpGet: { path: READINESS_PATH[component], port: 'http' },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 2,
    },
    // Alive while the process answers at all: a database outage makes it unready, never restarted.
    livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6 },
    startupProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
    // Graceful drain: endpoints drop the pod during the delay; then SIGTERM closes the server, which
    // finishes requests in flight before the process exits.
    lifecycle: { preStop: { exec: { command: ['sleep', String(values.preStopDelaySeconds)] } } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

function deployment(component: Component, values: DeployValues): Deployment {
  return new Deployment({
    metadata: { name: name(component), namespace: values.namespace, labels: labels(component) },
    spec: {
      replicas: values.replicas[component].min,
      selector: { matchLabels: selector(component) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(component) },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: values.terminationGraceSeconds,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 1000 },
          // Replicas on different nodes where the cluster has them.
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector(component) },
            },
          ],
          containers: [container(component, values)],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  });
}

function service(component: Component, values: DeployValues): Service {
  return new Service({
    metadata: { name: name(component), namespace: values.namespace, labels: labels(component) },
    spec: {
      type: 'ClusterIP',
      selector: selector(component),
      ports: [{ name: 'http', port: portOf(component), targetPort: 'http', protocol: 'TCP' }],
    },
  });
}

function autoscaler(component: Component, values: DeployValues): HorizontalPodAutoscaler {
  return new HorizontalPodAutoscaler({
    metadata: { name: name(component), namespace: values.namespace, labels: labels(component) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: name(component) },
      minReplicas: values.replicas[component].min,
      maxReplicas: values.replicas[component].max,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: values.targetCpuPercent } } },
      ],
      // A surge arrives in seconds: scale up at once, scale down slowly.
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
      },
    },
  });
}

function disruptionBudget(component: Component, values: DeployValues): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: name(component), namespace: values.namespace, labels: labels(component) },
    spec: { minAvailable: 1, selector: { matchLabels: selector(component) } },
  });
}

function configMap(values: DeployValues): ConfigMap {
  for (const key of Object.keys(values.config)) {
    if (key in SECRET_KEYS) throw new Error(`${key} is a secret: put it in the Secret ${values.secretName}, not in config`);
  }
  return new ConfigMap({ metadata: { name: name('config'), namespace: values.namespace, labels: labels('gateway') }, data: values.config });
}

/** Migrations (and reference data) before the new version serves: run as a Job of each release. */
function migrationJob(values: DeployValues): Job {
  return new Job({
    metadata: { name: name('migrate'), namespace: values.namespace, labels: labels('migrate') },
    spec: {
      backoffLimit: 3,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: labels('migrate') },
        spec: {
          restartPolicy: 'OnFailure',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'migrate',
              image: values.image,
              imagePullPolicy: values.imagePullPolicy,
              command: ['node', 'platform/dist/migrate.js'],
              envFrom: [{ configMapRef: { name: name('config') } }],
              env: Object.entries(SECRET_KEYS)
                .filter(([key]) => key.endsWith('_DATABASE_URL'))
                .map(([key]) => ({ name: key, valueFrom: { secretKeyRef: { name: values.secretName, key } } })),
              resources: SMALL,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  });
}

function networkPolicies(values: DeployValues): NetworkPolicy[] {
  const meta = (n: string) => ({ name: `victori-${n}`, namespace: values.namespace, labels: labels('gateway') });
  const fromComponent = (c: Component) => ({ podSelector: { matchLabels: selector(c) } });
  const port = (c: Component) => [{ protocol: 'TCP' as const, port: portOf(c) }];
  return [
    // Nothing reaches any pod of the namespace unless a policy below lets it.
    new NetworkPolicy({ metadata: meta('deny-ingress'), spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [] } }),
    // The edge is the only public door.
    new NetworkPolicy({
      metadata: meta('edge-public'),
      spec: {
        podSelector: { matchLabels: selector('edge') },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: values.ingressNamespace
              ? [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': values.ingressNamespace } } }]
              : [{ ipBlock: { cidr: '0.0.0.0/0' } }],
            ports: port('edge'),
          },
        ],
      },
    }),
    // Only the edge reaches the gateway.
    new NetworkPolicy({
      metadata: meta('gateway-from-edge'),
      spec: {
        podSelector: { matchLabels: selector('gateway') },
        policyTypes: ['Ingress'],
        ingress: [{ from: [fromComponent('edge')], ports: port('gateway') }],
      },
    }),
    // Only the gateway reaches the subgraphs.
    ...SERVICES.map(
      (s) =>
        new NetworkPolicy({
          metadata: meta(`${s}-from-gateway`),
          spec: {
            podSelector: { matchLabels: selector(s) },
            policyTypes: ['Ingress'],
            ingress: [{ from: [fromComponent('gateway')], ports: port(s) }],
          },
        }),
    ),
  ];
}

export interface RenderOptions {
  /** Render the Secret with these values (a rehearsal cluster); without it the operator creates it. */
  secretData?: Record<string, string>;
}

/** Every manifest of one release, validated against the Kubernetes schemas (throws on the first invalid one). */
export function renderManifests(
  values: DeployValues,
  options: RenderOptions = {},
): Array<{ apiVersion: string; kind: string; metadata?: { name?: string } }> {
  const components: Component[] = ['edge', 'gateway', ...SERVICES];
  checkValues(values, components);
  const objects = [
    configMap(values),
    ...(options.secretData ? [secret(values, options.secretData)] : []),
    migrationJob(values),
    ...components.flatMap((c) => [deployment(c, values), service(c, values), autoscaler(c, values), disruptionBudget(c, values)]),
    ...networkPolicies(values),
  ];
  for (const object of objects) object.validate();
  return objects.map((o) => JSON.parse(JSON.stringify(o)) as { apiVersion: string; kind: string; metadata?: { name?: string } });
}

/** What the schemas cannot say: rules between values that would make a release unsafe. */
function checkValues(values: DeployValues, components: Component[]): void {
  const problems: string[] = [];
  for (const c of components) {
    const r = values.replicas[c];
    if (!r) problems.push(`replicas.${c} is missing`);
    // minAvailable 1 with a single replica would block every node drain; one replica is no redundancy.
    else if (r.min < 2) problems.push(`replicas.${c}.min must be at least 2 (one replica is one process down = all down)`);
    else if (r.max < r.min) problems.push(`replicas.${c}.max is below its min`);
    if (!values.resources[c]) problems.push(`resources.${c} is missing`);
  }
  if (values.preStopDelaySeconds >= values.terminationGraceSeconds) {
    problems.push('preStopDelaySeconds must be shorter than terminationGraceSeconds, or requests in flight are killed');
  }
  if (problems.length) throw new Error(problems.join('; '));
}

function secret(values: DeployValues, data: Record<string, string>): Secret {
  const missing = Object.keys(SECRET_KEYS).filter((k) => !data[k]);
  if (missing.length) throw new Error(`the Secret needs ${missing.join(', ')}`);
  const unknown = Object.keys(data).filter((k) => !(k in SECRET_KEYS));
  if (unknown.length) throw new Error(`not secrets of the platform: ${unknown.join(', ')}`);
  return new Secret({
    metadata: { name: values.secretName, namespace: values.namespace, labels: labels('gateway') },
    type: 'Opaque',
    stringData: data,
  });
}
