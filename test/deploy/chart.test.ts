// charts/restore-guard without Helm (not available here): values.yaml against
// values.schema.json, and the templates, with the plain value substitutions
// they use filled in from values.yaml, against what deploy/ renders.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { parseConfig } from '../../src/policy/config.js';
import { REPO_ROOT } from '../helpers.js';
import { find, type K8sObject, render } from './render.js';

const CHART = join(REPO_ROOT, 'charts/restore-guard');
const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8'));
const validateValues = new Ajv({ allErrors: true, strict: false }).compile(schema);

function lookup(path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], values);
}

/**
 * Fills `{{ .Values.x }}` and `{{- toYaml .Values.x | nindent N }}` from
 * values.yaml and drops every other template line (labels, conditionals),
 * which is enough to compare the resources' settings with deploy/.
 */
function fill(template: string): K8sObject[] {
  const text = template
    .replace(/^( *)\{\{- toYaml \.Values\.([\w.]+) \| nindent (\d+) \}\}$/gm, (_m, _indent, path, n) =>
      stringify(lookup(path))
        .trimEnd()
        .split('\n')
        .map((line) => `${' '.repeat(Number(n))}${line}`)
        .join('\n')
        .replace(/^\n/, ''),
    )
    .replace(/\{\{ \.Values\.([\w.]+)(?: \| default \.Chart\.AppVersion)? \}\}/g, (_m, path) =>
      String(lookup(path)),
    )
    .replace(/\{\{ \.Release\.Namespace \}\}/g, 'restore-guard')
    .split('\n')
    .filter((line) => !line.includes('{{'))
    .join('\n');
  return parseAllDocuments(text)
    .map((doc) => doc.toJS())
    .filter((object) => object?.kind);
}

const templates = readdirSync(join(CHART, 'templates'))
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) => fill(readFileSync(join(CHART, 'templates', file), 'utf8')));
const deployed = render('deploy/overlays/cert-manager');

describe('values', () => {
  it('values.yaml satisfies values.schema.json', () => {
    expect(validateValues(values) ? [] : validateValues.errors).toEqual([]);
  });

  it.each([
    ['replicaCount', { replicaCount: 0 }],
    ['an unknown key', { replicas: 3 }],
    [
      'a failure policy',
      { webhook: { ...values.webhook, failurePolicy: { pods: 'Maybe', templates: 'Ignore' } } },
    ],
    ['a timeout over the apiserver maximum', { webhook: { ...values.webhook, timeoutSeconds: 31 } }],
  ])('the schema rejects a bad %s', (_name, change) => {
    expect(validateValues({ ...values, ...change })).toBe(false);
  });

  it("config is a configuration restore-guard accepts, the same as deploy/'s", () => {
    expect(() => parseConfig(values.config)).not.toThrow();
    expect(values.config).toEqual(parse(readFileSync(join(REPO_ROOT, 'deploy/base/config.yaml'), 'utf8')));
  });

  it('Chart.yaml is apiVersion v2 at the package version', () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'restore-guard', appVersion: pkg.version });
  });
});

describe('the chart declares what deploy/ declares', () => {
  it('the same kinds and names (the namespace comes from helm install --create-namespace)', () => {
    const names = (objects: K8sObject[]) =>
      objects
        .filter((object) => object.kind !== 'Namespace')
        .map((object) => `${object.kind}/${object.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`)
        .sort();
    expect(names(templates)).toEqual(names(deployed));
  });

  it('the same Deployment settings: replicas, priority, security contexts, probes, resources, spread', () => {
    const chart = find(templates, 'Deployment').spec;
    const kustomize = find(deployed, 'Deployment').spec;
    expect(chart.replicas).toBe(kustomize.replicas);
    const [chartContainer] = chart.template.spec.containers;
    const [container] = kustomize.template.spec.containers;
    for (const key of [
      'priorityClassName',
      'terminationGracePeriodSeconds',
      'securityContext',
      'serviceAccountName',
    ]) {
      expect([key, chart.template.spec[key]]).toEqual([key, kustomize.template.spec[key]]);
    }
    for (const key of [
      'securityContext',
      'readinessProbe',
      'livenessProbe',
      'resources',
      'ports',
      'volumeMounts',
      'args',
      'env',
    ]) {
      expect([key, chartContainer[key]]).toEqual([key, container[key]]);
    }
    expect(chart.template.spec.volumes).toEqual(
      kustomize.template.spec.volumes.map((v: K8sObject) =>
        v.configMap ? { name: v.name, configMap: { name: 'restore-guard-config' } } : v,
      ),
    );
  });

  it('the same RBAC, PodDisruptionBudget and Service', () => {
    expect(find(templates, 'ClusterRole').rules).toEqual(find(deployed, 'ClusterRole').rules);
    expect(find(templates, 'PodDisruptionBudget').spec.maxUnavailable).toBe(
      find(deployed, 'PodDisruptionBudget').spec.maxUnavailable,
    );
    expect(find(templates, 'Service').spec.ports).toEqual(find(deployed, 'Service').spec.ports);
  });

  it('the same webhooks, and the same Service behind them', () => {
    const strip = (object: K8sObject) =>
      object.webhooks.map(({ clientConfig: _clientConfig, ...webhook }: K8sObject) => webhook);
    expect(strip(find(templates, 'ValidatingWebhookConfiguration'))).toEqual(
      strip(find(deployed, 'ValidatingWebhookConfiguration')),
    );
    // The clientConfig is a named template: its service must be deploy/'s.
    const source = readFileSync(join(CHART, 'templates/validatingwebhookconfiguration.yaml'), 'utf8');
    const service = find(deployed, 'ValidatingWebhookConfiguration').webhooks[0].clientConfig.service;
    expect(source).toContain(
      `service:\n  name: ${service.name}\n  namespace: {{ .Release.Namespace }}\n  path: ${service.path}\n  port: ${service.port}`,
    );
  });

  it('the same certificates', () => {
    for (const name of ['restore-guard-ca', 'restore-guard-serving']) {
      expect(find(templates, 'Certificate', name).spec).toEqual(find(deployed, 'Certificate', name).spec);
    }
  });
});
