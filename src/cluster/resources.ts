// The resources restore-guard reads, each with a paged list call of the
// typed client: pods and the pod templates of every workload kind.

import { AppsV1Api, BatchV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

export interface Page {
  items: unknown[];
  metadata?: { _continue?: string; resourceVersion?: string } | undefined;
}

export interface ListOptions {
  namespace?: string | undefined;
  limit: number;
  continueToken?: string | undefined;
}

export interface Resource {
  kind: string;
  apiVersion: string;
  /** The URL path of the collection, for sources and messages. */
  path(namespace?: string): string;
  list(options: ListOptions): Promise<Page>;
}

type Lister = (namespace: string | undefined, params: { limit: number; _continue?: string }) => Promise<Page>;

function resource(kind: string, apiVersion: string, plural: string, lister: Lister): Resource {
  const prefix = apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
  return {
    kind,
    apiVersion,
    path: (namespace) => (namespace ? `${prefix}/namespaces/${namespace}/${plural}` : `${prefix}/${plural}`),
    list: ({ namespace, limit, continueToken }) =>
      lister(namespace, { limit, ...(continueToken ? { _continue: continueToken } : {}) }),
  };
}

/** Pods first (what actually gets checkpointed), then the templates that make them. */
export function workloadResources(kc: KubeConfig): Resource[] {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  return [
    resource('Pod', 'v1', 'pods', (ns, p) =>
      ns ? core.listNamespacedPod({ namespace: ns, ...p }) : core.listPodForAllNamespaces(p),
    ),
    resource('Deployment', 'apps/v1', 'deployments', (ns, p) =>
      ns ? apps.listNamespacedDeployment({ namespace: ns, ...p }) : apps.listDeploymentForAllNamespaces(p),
    ),
    resource('StatefulSet', 'apps/v1', 'statefulsets', (ns, p) =>
      ns ? apps.listNamespacedStatefulSet({ namespace: ns, ...p }) : apps.listStatefulSetForAllNamespaces(p),
    ),
    resource('DaemonSet', 'apps/v1', 'daemonsets', (ns, p) =>
      ns ? apps.listNamespacedDaemonSet({ namespace: ns, ...p }) : apps.listDaemonSetForAllNamespaces(p),
    ),
    resource('ReplicaSet', 'apps/v1', 'replicasets', (ns, p) =>
      ns ? apps.listNamespacedReplicaSet({ namespace: ns, ...p }) : apps.listReplicaSetForAllNamespaces(p),
    ),
    resource('ReplicationController', 'v1', 'replicationcontrollers', (ns, p) =>
      ns
        ? core.listNamespacedReplicationController({ namespace: ns, ...p })
        : core.listReplicationControllerForAllNamespaces(p),
    ),
    resource('Job', 'batch/v1', 'jobs', (ns, p) =>
      ns ? batch.listNamespacedJob({ namespace: ns, ...p }) : batch.listJobForAllNamespaces(p),
    ),
    resource('CronJob', 'batch/v1', 'cronjobs', (ns, p) =>
      ns ? batch.listNamespacedCronJob({ namespace: ns, ...p }) : batch.listCronJobForAllNamespaces(p),
    ),
    resource('PodTemplate', 'v1', 'podtemplates', (ns, p) =>
      ns ? core.listNamespacedPodTemplate({ namespace: ns, ...p }) : core.listPodTemplateForAllNamespaces(p),
    ),
  ];
}
