// restore-guard audit: every pod and workload pod template in the cluster (or
// one namespace), listed page by page, judged exactly as the webhook judges.

import { type KubeConfig, NodeV1Api } from '@kubernetes/client-node';
import { judgeObject } from '../admission/judge.js';
import { ObjectError } from '../admission/objects.js';
import type { CheckResult } from '../admission/results.js';
import {
  type Config,
  type EvaluationSettings,
  type SettingsOverrides,
  settingsFor,
} from '../policy/config.js';
import { describeApiError, isExpired } from './kubeconfig.js';
import { type Resource, workloadResources } from './resources.js';
import { runtimeClassSettings } from './runtimeClasses.js';

export class AuditError extends Error {}

export interface AuditOptions {
  namespace?: string | undefined;
  pageSize: number;
  overrides: SettingsOverrides;
  /** Called after every page, for a progress line. */
  onProgress?: (kind: string, listed: number) => void;
  onWarning?: (message: string) => void;
}

export interface AuditReport {
  results: CheckResult[];
  /** Objects that could not be judged (malformed), by API path. */
  skipped: string[];
  settings: EvaluationSettings;
}

function server(kc: KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? 'the API server';
}

async function call<T>(kc: KubeConfig, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new AuditError(`cannot ${what}: ${describeApiError(error, server(kc))}`);
  }
}

/** The gVisor RuntimeClasses of the cluster, as the webhook with --cluster sees them. */
export async function clusterSettings(
  kc: KubeConfig,
  config: Config,
  options: AuditOptions,
): Promise<EvaluationSettings> {
  const list = await call(kc, 'list runtimeclasses', () => kc.makeApiClient(NodeV1Api).listRuntimeClass());
  const { runtimeClasses, problems } = runtimeClassSettings(list.items, config, options.overrides);
  for (const problem of problems) options.onWarning?.(problem);
  if (options.overrides.runtimeClasses?.length) {
    for (const name of [...runtimeClasses.keys()])
      if (!options.overrides.runtimeClasses.includes(name)) runtimeClasses.delete(name);
  }
  return settingsFor(runtimeClasses, config, options.overrides);
}

/**
 * Every item of one resource, page by page. A continue token that expires
 * mid-list (410) restarts the list once from the beginning; the caller drops
 * the objects it has already seen.
 */
async function* listAll(kc: KubeConfig, resource: Resource, options: AuditOptions): AsyncGenerator<unknown> {
  let continueToken: string | undefined;
  let restarted = false;
  for (;;) {
    let page: Awaited<ReturnType<Resource['list']>>;
    try {
      page = await resource.list({ namespace: options.namespace, limit: options.pageSize, continueToken });
    } catch (error) {
      if (isExpired(error) && continueToken && !restarted) {
        options.onWarning?.(
          `the list of ${resource.path(options.namespace)} expired mid-way (410); listing it again from the start`,
        );
        restarted = true;
        continueToken = undefined;
        continue;
      }
      throw new AuditError(
        `cannot list ${resource.path(options.namespace)}: ${describeApiError(error, server(kc))}`,
      );
    }
    yield* page.items;
    continueToken = page.metadata?._continue || undefined;
    if (!continueToken) return;
  }
}

export async function runAudit(kc: KubeConfig, config: Config, options: AuditOptions): Promise<AuditReport> {
  const settings = await clusterSettings(kc, config, options);
  const results: CheckResult[] = [];
  const skipped: string[] = [];
  for (const resource of workloadResources(kc)) {
    const seen = new Set<string>();
    let listed = 0;
    for await (const item of listAll(kc, resource, options)) {
      const metadata =
        (item as { metadata?: { namespace?: string; name?: string; uid?: string } }).metadata ?? {};
      const path = `${resource.path(metadata.namespace)}/${metadata.name ?? ''}`;
      if (seen.has(metadata.uid ?? path)) continue;
      seen.add(metadata.uid ?? path);
      listed += 1;
      try {
        results.push(
          ...judgeObject(
            path,
            { ...(item as object), kind: resource.kind, apiVersion: resource.apiVersion },
            settings,
          ),
        );
      } catch (error) {
        if (!(error instanceof ObjectError)) throw error;
        skipped.push(`${path}: ${error.message}`);
      }
      if (listed % options.pageSize === 0) options.onProgress?.(resource.kind, listed);
    }
    options.onProgress?.(resource.kind, listed);
  }
  return { results, skipped, settings };
}
