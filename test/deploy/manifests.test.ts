// deploy/: every rendering validates against the Kubernetes schemas and has
// the safety settings a webhook on the pod-create path needs.
import { describe, expect, it } from '@jest/globals';
import { find, type K8sObject, render, validate } from './render.js';

const RENDERINGS = ['deploy', 'deploy/overlays/cert-manager', 'deploy/overlays/self-managed', 'deploy/kind'];
const rendered = Object.fromEntries(RENDERINGS.map((dir) => [dir, render(dir)]));
const base = rendered.deploy as K8sObject[];

describe.each(RENDERINGS)('kubectl kustomize %s', (dir) => {
  it('renders objects that all validate against their schemas', () => {
    const objects = rendered[dir] as K8sObject[];
    expect(objects.length).toBeGreaterThanOrEqual(9);
    for (const object of objects) validate(object);
  });
});

describe('the Deployment', () => {
  const deployment = find(base, 'Deployment');
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;

  it('runs at least two replicas spread across nodes, at system-cluster-critical priority', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    expect(pod.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: 'kubernetes.io/hostname',
      maxSkew: 1,
    });
    expect(
      pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm
        .topologyKey,
    ).toBe('kubernetes.io/hostname');
  });

  it('is locked down: non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('requests CPU and memory, limits memory, and keeps the V8 heap well inside the limit', () => {
    expect(container.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(container.resources.limits).toEqual({ memory: '256Mi' });
    const nodeOptions = container.env.find((variable: K8sObject) => variable.name === 'NODE_OPTIONS').value;
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
    expect(heapMiB).toBeGreaterThan(0);
    expect(heapMiB).toBeLessThanOrEqual(256 / 2);
  });

  it('probes the HTTPS health endpoints', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'https', scheme: 'HTTPS' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
  });

  it('gives shutdown more time than the shutdown delay', () => {
    const delay = Number(
      container.args.find((arg: string) => arg.startsWith('--shutdown-delay=')).split('=')[1],
    );
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(delay + 10);
  });

  it('serves the TLS Secret and the configuration the webhook and Service expect', () => {
    expect(container.args).toEqual(
      expect.arrayContaining([
        'serve',
        '--tls-cert=/tls/tls.crt',
        '--tls-key=/tls/tls.key',
        '--config=/config/config.yaml',
      ]),
    );
    expect(pod.volumes.find((v: K8sObject) => v.name === 'tls').secret.secretName).toBe('restore-guard-tls');
    const configMap = base.find((object) => object.kind === 'ConfigMap');
    expect(pod.volumes.find((v: K8sObject) => v.name === 'config').configMap.name).toBe(
      configMap?.metadata.name,
    );
    const service = find(base, 'Service');
    expect(service.spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]);
    expect(container.ports).toEqual([{ name: 'https', containerPort: 8443, protocol: 'TCP' }]);
  });
});

describe('the PodDisruptionBudget', () => {
  it('allows one pod down at a time, so node drains are never blocked', () => {
    const pdb = find(base, 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined();
  });
});

describe('RBAC', () => {
  it('only reads namespaces, runtimeclasses, pods and the workload kinds: no wildcards, no secrets', () => {
    const role = find(base, 'ClusterRole');
    const resources = role.rules.flatMap((rule: K8sObject) => rule.resources);
    expect(resources.sort()).toEqual(
      [
        'cronjobs',
        'daemonsets',
        'deployments',
        'jobs',
        'namespaces',
        'pods',
        'podtemplates',
        'replicasets',
        'replicationcontrollers',
        'runtimeclasses',
        'statefulsets',
      ].sort(),
    );
    for (const rule of role.rules) {
      expect(rule.verbs).toEqual(['get', 'list', 'watch']);
      expect(JSON.stringify(rule)).not.toContain('*');
    }
    const binding = find(base, 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'restore-guard', namespace: 'restore-guard' },
    ]);
  });
});

describe('the ValidatingWebhookConfiguration', () => {
  const configuration = find(base, 'ValidatingWebhookConfiguration');
  const [pods, templates] = configuration.webhooks;

  it('fails closed for pods and open for workload templates', () => {
    expect(pods.failurePolicy).toBe('Fail');
    expect(pods.rules[0].resources).toEqual(['pods', 'pods/ephemeralcontainers']);
    expect(templates.failurePolicy).toBe('Ignore');
    expect(templates.rules.flatMap((rule: K8sObject) => rule.resources).sort()).toEqual([
      'cronjobs',
      'daemonsets',
      'deployments',
      'jobs',
      'podtemplates',
      'replicasets',
      'replicationcontrollers',
      'statefulsets',
    ]);
  });

  it.each([0, 1])(
    'webhook %d: no side effects, v1 reviews, a short timeout, equivalent matching, safe namespaces',
    (index) => {
      const webhook = configuration.webhooks[index];
      expect(webhook).toMatchObject({
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        matchPolicy: 'Equivalent',
        clientConfig: {
          service: { name: 'restore-guard', namespace: 'restore-guard', path: '/validate', port: 443 },
        },
      });
      expect(webhook.timeoutSeconds).toBeLessThanOrEqual(5);
      expect(webhook.namespaceSelector.matchExpressions).toEqual([
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'restore-guard'] },
      ]);
      expect(webhook.matchConditions).toHaveLength(1);
      expect(webhook.matchConditions[0].expression).toContain("startsWith('dev.gvisor.')");
      expect(webhook.matchConditions[0].expression).toContain('runtimeClassName');
      expect(webhook.matchConditions[0].expression).not.toContain('\n'); // one line of CEL, however it is folded
      for (const rule of webhook.rules) expect(rule.operations).toEqual(['CREATE', 'UPDATE']);
    },
  );
});

describe('certificates', () => {
  it('cert-manager: the injected CA comes from a Certificate with the Service DNS names, into the Secret the pods mount', () => {
    const objects = rendered['deploy/overlays/cert-manager'] as K8sObject[];
    const configuration = find(objects, 'ValidatingWebhookConfiguration');
    const [namespace, name] = configuration.metadata.annotations['cert-manager.io/inject-ca-from'].split('/');
    const certificate = find(objects, 'Certificate', name);
    expect(certificate.metadata.namespace).toBe(namespace);
    expect(certificate.spec.secretName).toBe('restore-guard-tls');
    expect(certificate.spec.dnsNames).toEqual([
      'restore-guard.restore-guard.svc',
      'restore-guard.restore-guard.svc.cluster.local',
    ]);
    expect(find(objects, 'Issuer', certificate.spec.issuerRef.name).spec.ca.secretName).toBe(
      find(objects, 'Certificate', 'restore-guard-ca').spec.secretName,
    );
  });

  it('kind: the locally built image, never pulled', () => {
    const [container] = find(rendered['deploy/kind'] as K8sObject[], 'Deployment').spec.template.spec
      .containers;
    expect(container.image).toBe('restore-guard:e2e');
    expect(container.imagePullPolicy).toBe('Never');
  });
});
