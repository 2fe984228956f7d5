// Cluster objects for the cluster tests.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { SEED_RESTORE } from '../helpers.js';

export const seedPod = (namespace: string, name = 'ws-counter-restore') => {
  const pod = parse(readFileSync(SEED_RESTORE, 'utf8'));
  return { ...pod, metadata: { ...pod.metadata, namespace, name } };
};

export const plainPod = (namespace: string, name: string, runtimeClassName = 'gvisor') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, name },
  spec: { runtimeClassName, containers: [{ name: 'app' }] },
});

export const runtimeClass = (name: string, handler: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'node.k8s.io/v1',
  kind: 'RuntimeClass',
  metadata: { name, annotations },
  handler,
});

export const namespace = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
});

export const deployment = (namespace: string, name: string) => {
  const pod = seedPod(namespace);
  const annotations = { ...pod.metadata.annotations };
  delete annotations['dev.gvisor.internal.restore.host-image-path'];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace, name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name }, annotations }, spec: pod.spec },
    },
  };
};

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
