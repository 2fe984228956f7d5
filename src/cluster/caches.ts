// List-and-watch caches of Namespaces and RuntimeClasses for the webhook, so
// that no API call sits on the admission path. Each cache lists once, then
// watches; a dropped watch is re-opened from the last resourceVersion (a 410
// relists), a failed list or watch is retried with backoff, and a periodic
// relist corrects anything a watch may have missed.

import {
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  makeInformer,
  NodeV1Api,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { WebhookPolicy } from '../admission/decide.js';
import { type Config, type SettingsOverrides, settingsFor } from '../policy/config.js';
import { describeApiError } from './kubeconfig.js';
import { namespaceModes } from './namespaceModes.js';
import { type RuntimeClassObject, runtimeClassSettings } from './runtimeClasses.js';

interface Named {
  metadata?: {
    name?: string;
    labels?: Record<string, string> | null;
    annotations?: Record<string, string> | null;
  } | null;
}

interface ListResult<T> {
  items: T[];
  metadata?: { resourceVersion?: string } | undefined;
}

export interface CacheOptions {
  /** How often to relist everything (default 10 minutes). */
  resyncMs?: number;
  /** First retry delay after a failure (default 1 s, doubling to 30 s). */
  retryMs?: number;
}

/** One list-and-watch cache of a cluster-scoped resource, keyed by name. */
class Cache<T extends Named> {
  readonly objects = new Map<string, T>();
  synced = false;
  private informer;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    kc: KubeConfig,
    private readonly path: string,
    private readonly list: () => Promise<ListResult<T>>,
    private readonly log: Logger,
    private readonly onChange: () => void,
    private readonly options: Required<CacheOptions>,
    private readonly server: string,
  ) {
    this.retryMs = options.retryMs;
    this.informer = makeInformer<KubernetesObject>(kc, path, list as never);
    const put = (object: KubernetesObject) => {
      const name = object.metadata?.name;
      if (name) this.objects.set(name, object as T);
      this.onChange();
    };
    this.informer.on('add', put);
    this.informer.on('update', put);
    this.informer.on('delete', (object: KubernetesObject) => {
      if (object.metadata?.name) this.objects.delete(object.metadata.name);
      this.onChange();
    });
    this.informer.on('connect', () => {
      this.retryMs = this.options.retryMs;
    });
    this.informer.on('error', (error: unknown) => this.retry(error));
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.informer.start();
    this.markSynced();
    this.resyncTimer = setInterval(() => void this.resync(), this.options.resyncMs);
    this.resyncTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.resyncTimer);
    await this.informer.stop();
  }

  /** Synced once the informer's first list has succeeded. */
  private markSynced() {
    const version = (
      this.informer as unknown as { latestResourceVersion?: () => string }
    ).latestResourceVersion?.();
    if (!this.synced && version) {
      this.synced = true;
      this.log.info({ path: this.path, objects: this.objects.size }, 'cache synced');
      this.onChange();
    }
  }

  private retry(error: unknown) {
    if (this.stopped) return;
    this.log.warn(
      { path: this.path, retryMs: this.retryMs },
      `list/watch failed: ${describeApiError(error, this.server)}; retrying`,
    );
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      void this.informer.start().then(() => this.markSynced());
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }

  /** A full relist that replaces the cache, in case a watch missed something. */
  private async resync() {
    try {
      const list = await this.list();
      this.objects.clear();
      for (const object of list.items)
        if (object.metadata?.name) this.objects.set(object.metadata.name, object);
      this.onChange();
    } catch (error) {
      this.log.warn({ path: this.path }, `resync failed: ${describeApiError(error, this.server)}`);
    }
  }
}

/** The webhook's view of the cluster: which RuntimeClasses are gVisor, and each namespace's modes. */
export class ClusterCaches {
  private readonly namespaces: Cache<Named>;
  private readonly runtimeClasses: Cache<RuntimeClassObject & Named>;
  private current: WebhookPolicy | undefined;
  private readonly perNamespace = new Map<string, WebhookPolicy>();
  private reported = new Set<string>();

  constructor(
    kc: KubeConfig,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly overrides: SettingsOverrides = {},
    options: CacheOptions = {},
  ) {
    const resolved = { resyncMs: options.resyncMs ?? 600_000, retryMs: options.retryMs ?? 1000 };
    const core = kc.makeApiClient(CoreV1Api);
    const node = kc.makeApiClient(NodeV1Api);
    const server = kc.getCurrentCluster()?.server ?? 'the API server';
    const changed = () => this.invalidate();
    this.namespaces = new Cache(
      kc,
      '/api/v1/namespaces',
      () => core.listNamespace(),
      log,
      changed,
      resolved,
      server,
    );
    this.runtimeClasses = new Cache(
      kc,
      '/apis/node.k8s.io/v1/runtimeclasses',
      () => node.listRuntimeClass(),
      log,
      changed,
      resolved,
      server,
    );
  }

  get synced(): boolean {
    return this.namespaces.synced && this.runtimeClasses.synced;
  }

  async start(): Promise<void> {
    await Promise.all([this.namespaces.start(), this.runtimeClasses.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.namespaces.stop(), this.runtimeClasses.stop()]);
  }

  /** The policy for one namespace, from the caches; recomputed only after a change. */
  policyFor(namespace: string | null): WebhookPolicy {
    if (!this.current) {
      const { runtimeClasses, problems } = runtimeClassSettings(
        [...this.runtimeClasses.objects.values()],
        this.config,
        this.overrides,
      );
      this.report(problems);
      this.current = {
        settings: settingsFor(runtimeClasses, this.config, this.overrides),
        modes: this.config.modes,
        exemptions: this.config.exemptions,
      };
    }
    if (!namespace) return this.current;
    let policy = this.perNamespace.get(namespace);
    if (!policy) {
      const labels = this.namespaces.objects.get(namespace)?.metadata?.labels;
      const { modes, problems } = namespaceModes(namespace, labels, this.config.modes);
      this.report(problems);
      policy = { ...this.current, modes };
      this.perNamespace.set(namespace, policy);
    }
    return policy;
  }

  private invalidate() {
    this.current = undefined;
    this.perNamespace.clear();
  }

  /** Bad labels and annotations are logged once each, not on every request. */
  private report(problems: string[]) {
    for (const problem of problems) {
      if (this.reported.has(problem)) continue;
      this.reported.add(problem);
      this.log.warn(problem);
    }
  }
}
