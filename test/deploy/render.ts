// Renders deploy/ with kubectl kustomize and validates every object against
// the Kubernetes schemas (kubernetes-models; cert-manager's for its kinds).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Certificate, Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { ValidatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are plain YAML data.
export type K8sObject = Record<string, any>;

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': ValidatingWebhookConfiguration,
  'cert-manager.io/v1/Certificate': Certificate,
  'cert-manager.io/v1/Issuer': Issuer,
};

function kubectl(): string {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return 'kubectl';
  } catch {
    throw new Error(
      'kubectl is needed to render deploy/ (kubectl kustomize) and was not found on PATH. Install it: ' +
        'apt-get install -y kubectl (from the Kubernetes apt repository), or see https://kubernetes.io/docs/tasks/tools/',
    );
  }
}

export function render(dir: string): K8sObject[] {
  const yaml = execFileSync(kubectl(), ['kustomize', join(REPO_ROOT, dir)], { encoding: 'utf8' });
  return parseAllDocuments(yaml).map((doc) => doc.toJS());
}

/** Throws with the object and the schema's complaint when an object does not validate. */
export function validate(object: K8sObject): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[key];
  if (!Model) throw new Error(`no schema for ${key}`);
  try {
    new Model(object as never).validate();
  } catch (error) {
    throw new Error(`${key} ${object.metadata?.name}: ${(error as Error).message}`);
  }
}

export function find(objects: K8sObject[], kind: string, name = 'restore-guard'): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}
