/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are walked as plain JSON */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { SERVICES } from '@victori/shared';
import { defaultValues, mergeValues, portOf, renderManifests, SECRET_KEYS, type Component } from './manifests.js';
import { toYaml } from './render.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const COMPONENTS: Component[] = ['edge', 'gateway', ...SERVICES];
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  ConfigMap,
  Secret,
  Service,
  Deployment,
  Job,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  NetworkPolicy,
};

type Obj = ReturnType<typeof renderManifests>[number] & { spec?: any; data?: Record<string, string> };

function byKind(objects: Obj[], kind: string): Obj[] {
  return objects.filter((o) => o.kind === kind);
}

function named(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

describe('Kubernetes manifests', () => {
  const objects = renderManifests(defaultValues()) as Obj[];

  it('the checked-in deploy/kubernetes/victori.yaml is the current render, and every document in it validates against the Kubernetes schemas', () => {
    const file = readFileSync(path.join(ROOT, 'deploy/kubernetes/victori.yaml'), 'utf8');
    expect(file).toBe(toYaml(objects));
    const docs = parseAllDocuments(file).map((d) => d.toJS() as Obj);
    expect(docs.length).toBe(objects.length);
    for (const doc of docs) {
      const Model = MODELS[doc.kind];
      expect(Model).toBeDefined();
      expect(() => new Model(doc as never).validate()).not.toThrow();
    }
  });

  it('refuses values the schemas or the platform cannot run with', () => {
    expect(() => renderManifests(mergeValues(defaultValues(), { imagePullPolicy: 'Sometimes' }))).toThrow(/imagePullPolicy/);
    expect(() => renderManifests(mergeValues(defaultValues(), { replicas: { booking: { min: 1, max: 3 } } }))).toThrow(/at least 2/);
    expect(() => renderManifests(mergeValues(defaultValues(), { preStopDelaySeconds: 40 }))).toThrow(/preStopDelaySeconds/);
    expect(() => renderManifests(mergeValues(defaultValues(), { config: { PII_KEY: 'x' } }))).toThrow(/is a secret/);
  });

  it('every process has a Deployment with readiness, liveness, a graceful drain, requests and limits, non-root, and its Service, autoscaler and disruption budget', () => {
    for (const c of COMPONENTS) {
      const d = named(objects, 'Deployment', `victori-${c}`);
      const pod = d.spec.template.spec;
      const container = pod.containers[0];
      expect(container.ports[0].containerPort).toBe(portOf(c));
      // One subgraph down must not take the gateways out of their Service: the gateway is probed at /health.
      expect(container.readinessProbe.httpGet.path).toBe(c === 'gateway' ? '/health' : '/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/health');
      expect(container.lifecycle.preStop.exec.command[0]).toBe('sleep');
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(container.lifecycle.preStop.exec.command[1]));
      expect(container.resources.requests.cpu).toBeTruthy();
      expect(container.resources.limits.memory).toBeTruthy();
      expect(container.securityContext.runAsNonRoot).toBe(true);
      expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
      expect(d.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      expect(named(objects, 'Service', `victori-${c}`).spec.ports[0].port).toBe(portOf(c));
      const hpa = named(objects, 'HorizontalPodAutoscaler', `victori-${c}`);
      expect(hpa.spec.scaleTargetRef.name).toBe(`victori-${c}`);
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(named(objects, 'PodDisruptionBudget', `victori-${c}`).spec.minAvailable).toBe(1);
    }
    expect(byKind(objects, 'Deployment')).toHaveLength(COMPONENTS.length);
  });

  it('secrets come only from the Secret, by reference, to the processes that read them; the ConfigMap holds none', () => {
    const config = named(objects, 'ConfigMap', 'victori-config');
    for (const key of Object.keys(config.data ?? {})) expect(SECRET_KEYS[key]).toBeUndefined();
    expect(byKind(objects, 'Secret')).toHaveLength(0);
    for (const c of COMPONENTS) {
      const env: Array<{ name: string; value?: string; valueFrom?: any }> = named(objects, 'Deployment', `victori-${c}`).spec.template.spec
        .containers[0].env;
      for (const variable of env) {
        if (SECRET_KEYS[variable.name]) {
          expect(variable.value).toBeUndefined();
          expect(variable.valueFrom.secretKeyRef).toEqual({ name: 'victori-secrets', key: variable.name });
        }
      }
      const secretNames = env
        .filter((v) => v.valueFrom?.secretKeyRef)
        .map((v) => v.name)
        .sort();
      const expected = Object.entries(SECRET_KEYS)
        .filter(([, users]) => users.includes(c))
        .map(([key]) => key)
        .sort();
      expect(secretNames).toEqual(expected);
    }
    // The signing key reaches identity alone; the PII key never reaches the edge or the gateway.
    expect(SECRET_KEYS.JWT_PRIVATE_KEY).toEqual(['identity']);
    expect(SECRET_KEYS.PII_KEY).not.toContain('gateway');
    expect(SECRET_KEYS.PII_KEY).not.toContain('edge');
  });

  it('renders the Secret for a rehearsal only when every key is given, and nothing else', () => {
    const data = Object.fromEntries(Object.keys(SECRET_KEYS).map((k) => [k, 'x'.repeat(40)]));
    const withSecret = renderManifests(defaultValues(), { secretData: data }) as Obj[];
    expect(byKind(withSecret, 'Secret')).toHaveLength(1);
    const partial = { ...data };
    delete partial.GATEWAY_SECRET;
    expect(() => renderManifests(defaultValues(), { secretData: partial })).toThrow(/GATEWAY_SECRET/);
    expect(() => renderManifests(defaultValues(), { secretData: { ...data, OTHER: 'y' } })).toThrow(/OTHER/);
  });

  it('network policies: all ingress denied, the edge alone public, only the edge reaches the gateway, only the gateway reaches each subgraph', () => {
    const policies = byKind(objects, 'NetworkPolicy');
    const deny = named(objects, 'NetworkPolicy', 'victori-deny-ingress');
    expect(deny.spec.podSelector).toEqual({});
    expect(deny.spec.ingress).toEqual([]);
    const selects = (p: Obj): string | undefined => p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'];
    const open = policies.filter((p) => JSON.stringify(p.spec.ingress).includes('0.0.0.0/0'));
    expect(open.map(selects)).toEqual(['edge']);
    const gateway = policies.filter((p) => selects(p) === 'gateway');
    expect(gateway).toHaveLength(1);
    expect(gateway[0].spec.ingress[0].from).toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'victori', 'app.kubernetes.io/component': 'edge' } } },
    ]);
    for (const s of SERVICES) {
      const own = policies.filter((p) => selects(p) === s);
      expect(own).toHaveLength(1);
      expect(own[0].spec.ingress).toEqual([
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'victori', 'app.kubernetes.io/component': 'gateway' } } }],
          ports: [{ protocol: 'TCP', port: portOf(s) }],
        },
      ]);
    }
    // With an ingress namespace named, not even the edge is open to the whole world.
    const scoped = renderManifests(mergeValues(defaultValues(), { ingressNamespace: 'ingress-nginx' })) as Obj[];
    expect(byKind(scoped, 'NetworkPolicy').some((p) => JSON.stringify(p.spec.ingress).includes('0.0.0.0/0'))).toBe(false);
  });

  it('the gateway trusts forwarded client addresses from the pod network only, and subgraphs are reached by Service name', () => {
    const env: Array<{ name: string; value?: string }> = named(objects, 'Deployment', 'victori-gateway').spec.template.spec.containers[0]
      .env;
    expect(env.find((v) => v.name === 'GATEWAY_TRUSTED_PROXIES')?.value).toBe(defaultValues().podCidr);
    for (const s of SERVICES)
      expect(env.find((v) => v.name === `${s.toUpperCase()}_URL`)?.value).toBe(`http://victori-${s}:${portOf(s)}/graphql`);
  });

  it('the image is multi-stage, runs as a non-root user, and pins the project Node', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'deploy/Dockerfile'), 'utf8');
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(dockerfile).toContain(`ARG NODE_VERSION=${pkg.devDependencies.node}`);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(named(objects, 'Job', 'victori-migrate').spec.template.spec.containers[0].command).toEqual(['node', 'platform/dist/migrate.js']);
  });
});
