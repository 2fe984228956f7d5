// A fake Kubernetes apiserver for tests: HTTPS on a free loopback port, bearer-token auth, and the list and
// watch wire format of the real one (paginated lists with continue tokens, newline-delimited watch events,
// 410 Expired for compacted resource versions and stale continue tokens) for a fixed set of resources.
// Good enough for @kubernetes/client-node's typed list calls, `Watch` and `makeInformer`.

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeCa, makeServing } from '../server/certs.js';

export type ResourceName =
  | 'namespaces'
  | 'runtimeclasses'
  | 'pods'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets'
  | 'replicasets'
  | 'replicationcontrollers'
  | 'jobs'
  | 'cronjobs'
  | 'podtemplates';

export interface FakeApiServer {
  /** https://127.0.0.1:PORT */
  url: string;
  /** PEM of the CA that signed the serving certificate. */
  ca: string;
  /** The one bearer token accepted. */
  token: string;
  /** Kubeconfig (cluster with CA data, user with the token, current-context "fake"). */
  kubeconfigPath: string;
  /** Writes another kubeconfig (e.g. with a bad token) and returns its path. */
  writeKubeconfig(options?: { token?: string; context?: string }): string;
  /** Replaces the whole collection; watches see the difference as DELETED/ADDED/MODIFIED events. */
  set(resource: ResourceName, objects: object[]): void;
  /** Adds or modifies one object (new resourceVersion, uid kept or assigned); watches see ADDED/MODIFIED. */
  upsert(resource: ResourceName, object: object): void;
  /** Deletes one object; watches see DELETED. Throws if it does not exist. */
  remove(resource: ResourceName, namespace: string | undefined, name: string): void;
  /** Ends every open watch stream, as an apiserver restart or a load balancer would. */
  dropWatches(): void;
  /** Resource versions below this (default: the current one) become "too old" for watches and continue tokens. */
  compactBefore(resourceVersion?: number): void;
  /** Every continue token handed out so far now gets HTTP 410 Expired. */
  expireContinueTokens(): void;
  /** The next `times` (default 1) non-watch list requests for the resource answer this Status. */
  failNext(resource: ResourceName, status: 401 | 403 | 500, times?: number): void;
  /** Every request received, in order, including rejected ones. */
  requests: Array<{ method: string; path: string; query: Record<string, string> }>;
  resourceVersion(): number;
  /** Closes the server and every connection, including open watches, and deletes the kubeconfig files. */
  close(): Promise<void>;
}

interface ResourceInfo {
  kind: string;
  group: string;
  namespaced: boolean;
}

const RESOURCES: Record<ResourceName, ResourceInfo> = {
  namespaces: { kind: 'Namespace', group: '', namespaced: false },
  runtimeclasses: { kind: 'RuntimeClass', group: 'node.k8s.io', namespaced: false },
  pods: { kind: 'Pod', group: '', namespaced: true },
  replicationcontrollers: { kind: 'ReplicationController', group: '', namespaced: true },
  podtemplates: { kind: 'PodTemplate', group: '', namespaced: true },
  deployments: { kind: 'Deployment', group: 'apps', namespaced: true },
  statefulsets: { kind: 'StatefulSet', group: 'apps', namespaced: true },
  daemonsets: { kind: 'DaemonSet', group: 'apps', namespaced: true },
  replicasets: { kind: 'ReplicaSet', group: 'apps', namespaced: true },
  jobs: { kind: 'Job', group: 'batch', namespaced: true },
  cronjobs: { kind: 'CronJob', group: 'batch', namespaced: true },
};

const apiVersionOf = (info: ResourceInfo) => (info.group ? `${info.group}/v1` : 'v1');

const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
  'without the continue parameter, or use the continue token in this response to retrieve the remainder of the ' +
  'results. Continuing with the provided token results in an inconsistent list - objects that were created, ' +
  'modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface Metadata {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

interface KObject {
  metadata: Metadata;
  [key: string]: unknown;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface StoredEvent {
  resource: ResourceName;
  type: EventType;
  rv: number;
  object: KObject;
  /** The object before the change (MODIFIED, DELETED), for selector transitions. */
  old?: KObject;
}

type Matcher = (object: KObject) => boolean;

interface Watcher {
  resource: ResourceName;
  matches: Matcher;
  res: ServerResponse;
}

interface Snapshot {
  query: string;
  rv: number;
  items: KObject[];
}

interface ContinueToken {
  v: string;
  rv: number;
  start: [string, string];
  snapshot: number;
}

interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: Record<string, unknown>;
  code: number;
}

class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata,
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

const unauthorized = () => failure(401, 'Unauthorized', 'Unauthorized');
const pathNotFound = () => failure(404, 'NotFound', 'the server could not find the requested resource', {});

function groupDetails(resource: ResourceName, extra: Record<string, unknown> = {}) {
  const { group } = RESOURCES[resource];
  return { ...extra, ...(group ? { group } : {}), kind: resource };
}

function forbidden(resource: ResourceName, namespace: string | undefined): StatusError {
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  return failure(
    403,
    'Forbidden',
    `${resource} is forbidden: User "system:serviceaccount:x:y" cannot list resource "${resource}" in API group ` +
      `"${RESOURCES[resource].group}" ${scope}`,
    groupDetails(resource),
  );
}

function injected(
  resource: ResourceName,
  status: 401 | 403 | 500,
  namespace: string | undefined,
): StatusError {
  if (status === 401) return unauthorized();
  if (status === 403) return forbidden(resource, namespace);
  return failure(500, 'InternalError', 'Internal error occurred: injected failure (fake apiserver)', {
    causes: [{ message: 'injected failure (fake apiserver)' }],
  });
}

const compareKeys = (a: [string, string], b: [string, string]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
const keyOf = (object: KObject): [string, string] => [object.metadata.namespace ?? '', object.metadata.name];
const sorted = (objects: Iterable<KObject>) => [...objects].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));

function isResource(name: string | undefined): name is ResourceName {
  return name !== undefined && Object.hasOwn(RESOURCES, name);
}

interface Route {
  resource: ResourceName;
  namespace?: string;
  name?: string;
}

function parseRoute(pathname: string): Route | undefined {
  let parts: string[];
  try {
    parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3 && parts[2] === 'v1') {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  const lookup = (name: string | undefined) =>
    isResource(name) && RESOURCES[name].group === group ? name : undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const resource = lookup(rest[2]);
    if (!resource || !RESOURCES[resource].namespaced || rest.length > 4) return undefined;
    return { resource, namespace: rest[1], ...(rest[3] !== undefined ? { name: rest[3] } : {}) };
  }
  const resource = lookup(rest[0]);
  if (!resource || rest.length > 2 || (rest.length === 2 && RESOURCES[resource].namespaced)) return undefined;
  return { resource, ...(rest[1] !== undefined ? { name: rest[1] } : {}) };
}

/** Splits on commas outside parentheses (set-based requirements contain commas). */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
}

function labelMatcher(selector: string): Matcher {
  const checks = splitRequirements(selector).map((requirement): Matcher => {
    const labels = (object: KObject) => object.metadata.labels ?? {};
    let match = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(requirement);
    if (match) {
      const [, key = '', op, list = ''] = match;
      const values = new Set(list.split(',').map((value) => value.trim()));
      return op === 'in'
        ? (object) => values.has(labels(object)[key] ?? '\0absent')
        : (object) => !values.has(labels(object)[key] ?? '\0absent');
    }
    match = /^!\s*([^\s!=(),]+)$/.exec(requirement);
    if (match) {
      const key = match[1] ?? '';
      return (object) => !Object.hasOwn(labels(object), key);
    }
    match = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(requirement);
    if (match) {
      const [, key = '', op, value] = match;
      return op === '!='
        ? (object) => labels(object)[key] !== value
        : (object) => labels(object)[key] === value;
    }
    match = /^([^\s!=(),]+)$/.exec(requirement);
    if (match) {
      const key = match[1] ?? '';
      return (object) => Object.hasOwn(labels(object), key);
    }
    throw failure(400, 'BadRequest', `unable to parse requirement: ${requirement}`);
  });
  return (object) => checks.every((check) => check(object));
}

function fieldMatcher(selector: string): Matcher {
  const checks = splitRequirements(selector).map((requirement): Matcher => {
    const match = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(requirement);
    if (!match) throw failure(400, 'BadRequest', `invalid field selector: ${requirement}`);
    const [, path = '', op, value] = match;
    const read = (object: KObject) => {
      let current: unknown = object;
      for (const step of path.split('.')) {
        current =
          current && typeof current === 'object' ? (current as Record<string, unknown>)[step] : undefined;
      }
      return current === undefined || current === null ? '' : String(current);
    };
    return op === '!=' ? (object) => read(object) !== value : (object) => read(object) === value;
  });
  return (object) => checks.every((check) => check(object));
}

function matcherFor(namespace: string | undefined, query: Record<string, string>): Matcher {
  const labels = query.labelSelector ? labelMatcher(query.labelSelector) : () => true;
  const fields = query.fieldSelector ? fieldMatcher(query.fieldSelector) : () => true;
  return (object) =>
    (namespace === undefined || object.metadata.namespace === namespace) && labels(object) && fields(object);
}

/** What a watcher with this filter should see of a stored change, as the apiserver's watch cache decides it. */
function eventFor(event: StoredEvent, matches: Matcher): { type: EventType; object: KObject } | undefined {
  const now = event.type !== 'DELETED' && matches(event.object);
  const before = event.old !== undefined && matches(event.old);
  if (event.type === 'DELETED') return before ? { type: 'DELETED', object: event.object } : undefined;
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: event.object };
  if (before && event.old) {
    // No longer matches the selector: a DELETED carrying the previous state at the new resourceVersion.
    const old = structuredClone(event.old);
    old.metadata.resourceVersion = String(event.rv);
    return { type: 'DELETED', object: old };
  }
  return undefined;
}

function encodeToken(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(raw: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ContinueToken;
    if (
      token.v === 'meta.k8s.io/v1' &&
      Number.isInteger(token.rv) &&
      Number.isInteger(token.snapshot) &&
      Array.isArray(token.start) &&
      token.start.length === 2 &&
      token.start.every((part) => typeof part === 'string')
    ) {
      return token;
    }
  } catch {
    // fall through
  }
  throw failure(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion');
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'cache-control': 'no-cache, private',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function kubeconfigYaml(url: string, ca: string, token: string, context: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'fake-cluster',
        cluster: { server: url, 'certificate-authority-data': Buffer.from(ca).toString('base64') },
      },
    ],
    users: [{ name: 'fake-user', user: { token } }],
    contexts: [
      { name: context, context: { cluster: 'fake-cluster', user: 'fake-user', namespace: 'default' } },
    ],
    'current-context': context,
  });
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const ca = await makeCa();
  const serving = await makeServing(ca);
  const token = `fake-token-${randomBytes(12).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'restore-guard-fake-apiserver-'));

  const store = new Map<ResourceName, Map<string, KObject>>(
    (Object.keys(RESOURCES) as ResourceName[]).map((name) => [name, new Map()]),
  );
  const collection = (resource: ResourceName) => store.get(resource) as Map<string, KObject>;
  let events: StoredEvent[] = [];
  const watchers = new Set<Watcher>();
  const snapshots = new Map<number, Snapshot>();
  const failures = new Map<ResourceName, Array<401 | 403 | 500>>();
  const requests: FakeApiServer['requests'] = [];
  let rv = 1;
  let compactedBefore = 0;
  let snapshotIds = 0;
  let kubeconfigs = 0;

  const storageKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

  function normalise(resource: ResourceName, input: object): KObject {
    const info = RESOURCES[resource];
    const object = structuredClone(input) as KObject;
    const metadata = (object.metadata ?? {}) as Metadata;
    if (typeof metadata.name !== 'string' || metadata.name === '') {
      throw new Error(`fake apiserver: ${resource} object needs metadata.name`);
    }
    if (info.namespaced) metadata.namespace ??= 'default';
    else delete metadata.namespace;
    return { ...object, apiVersion: apiVersionOf(info), kind: info.kind, metadata };
  }

  function publish(event: StoredEvent): void {
    events.push(event);
    for (const watcher of watchers) {
      if (watcher.resource !== event.resource) continue;
      const visible = eventFor(event, watcher.matches);
      if (visible) watcher.res.write(`${JSON.stringify(visible)}\n`);
    }
  }

  function upsert(resource: ResourceName, input: object): void {
    const object = normalise(resource, input);
    const key = storageKey(object.metadata.namespace, object.metadata.name);
    const old = collection(resource).get(key);
    rv += 1;
    object.metadata.uid ??= old?.metadata.uid ?? randomUUID();
    object.metadata.creationTimestamp ??=
      old?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    object.metadata.resourceVersion = String(rv);
    collection(resource).set(key, object);
    publish({ resource, type: old ? 'MODIFIED' : 'ADDED', rv, object, ...(old ? { old } : {}) });
  }

  function remove(resource: ResourceName, namespace: string | undefined, name: string): void {
    const key = storageKey(RESOURCES[resource].namespaced ? (namespace ?? 'default') : undefined, name);
    const old = collection(resource).get(key);
    if (!old) throw new Error(`fake apiserver: no ${resource} ${key} to remove`);
    collection(resource).delete(key);
    rv += 1;
    const object = structuredClone(old);
    object.metadata.resourceVersion = String(rv);
    publish({ resource, type: 'DELETED', rv, object, old });
  }

  function set(resource: ResourceName, objects: object[]): void {
    const incoming = objects.map((object) => normalise(resource, object));
    const keep = new Set(
      incoming.map((object) => storageKey(object.metadata.namespace, object.metadata.name)),
    );
    for (const existing of sorted(collection(resource).values())) {
      const { namespace, name } = existing.metadata;
      if (!keep.has(storageKey(namespace, name))) remove(resource, namespace, name);
    }
    for (const object of incoming) upsert(resource, object);
  }

  function getOne(route: Route & { name: string }): KObject {
    const object = collection(route.resource).get(storageKey(route.namespace, route.name));
    if (!object) {
      throw failure(
        404,
        'NotFound',
        `${route.resource} "${route.name}" not found`,
        groupDetails(route.resource, { name: route.name }),
      );
    }
    return object;
  }

  function list(route: Route, query: Record<string, string>): unknown {
    const { resource, namespace } = route;
    const info = RESOURCES[resource];
    const queryKey = JSON.stringify([
      resource,
      namespace ?? '',
      query.labelSelector ?? '',
      query.fieldSelector ?? '',
    ]);
    const matches = matcherFor(namespace, query);
    const takeSnapshot = (): [number, Snapshot] => {
      snapshotIds += 1;
      return [
        snapshotIds,
        { query: queryKey, rv, items: sorted(collection(resource).values()).filter(matches) },
      ];
    };

    let id: number;
    let snapshot: Snapshot;
    let start: [string, string] | undefined;
    if (query.continue) {
      const token = decodeToken(query.continue);
      const found = snapshots.get(token.snapshot);
      if (found && found.query !== queryKey) {
        throw failure(400, 'BadRequest', 'continue key is not valid: the continue token is for another list');
      }
      if (!found) {
        // Like the apiserver: 410, plus a token that continues (inconsistently) from the current state.
        const [freshId, fresh] = takeSnapshot();
        snapshots.set(freshId, fresh);
        const continueToken = encodeToken({
          v: 'meta.k8s.io/v1',
          rv: fresh.rv,
          start: token.start,
          snapshot: freshId,
        });
        throw failure(410, 'Expired', EXPIRED_CONTINUE, undefined, { continue: continueToken });
      }
      [id, snapshot, start] = [token.snapshot, found, token.start];
    } else {
      [id, snapshot] = takeSnapshot();
    }

    const remaining = start
      ? snapshot.items.filter((item) => compareKeys(keyOf(item), start) > 0)
      : snapshot.items;
    const limit = Number.parseInt(query.limit ?? '', 10);
    const page = limit > 0 ? remaining.slice(0, limit) : remaining;
    const rest = remaining.length - page.length;
    const metadata: Record<string, unknown> = { resourceVersion: String(snapshot.rv) };
    const last = page.at(-1);
    if (rest > 0 && last) {
      snapshots.set(id, snapshot);
      metadata.continue = encodeToken({
        v: 'meta.k8s.io/v1',
        rv: snapshot.rv,
        start: keyOf(last),
        snapshot: id,
      });
      if (!query.labelSelector && !query.fieldSelector) metadata.remainingItemCount = rest;
    }
    return { kind: `${info.kind}List`, apiVersion: apiVersionOf(info), metadata, items: page };
  }

  function watch(res: ServerResponse, route: Route, query: Record<string, string>): void {
    const matches = matcherFor(route.namespace, query);
    const raw = query.resourceVersion ?? '';
    const from = raw === '' || raw === '0' ? undefined : Number(raw);
    if (from !== undefined && !(Number.isInteger(from) && from >= 0)) {
      throw failure(400, 'BadRequest', `invalid resource version: ${raw}`);
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
    res.flushHeaders();
    const write = (event: { type: string; object: unknown }) => res.write(`${JSON.stringify(event)}\n`);
    if (from !== undefined && from < compactedBefore) {
      const message = `too old resource version: ${from} (${compactedBefore})`;
      write({ type: 'ERROR', object: failure(410, 'Expired', message).status });
      res.end();
      return;
    }
    if (from === undefined) {
      // "Any" resourceVersion: synthetic ADDED events for the current state, then live changes.
      for (const object of sorted(collection(route.resource).values())) {
        if (matches(object)) write({ type: 'ADDED', object });
      }
    } else {
      for (const event of events) {
        if (event.resource !== route.resource || event.rv <= from) continue;
        const visible = eventFor(event, matches);
        if (visible) write(visible);
      }
    }
    const watcher: Watcher = { resource: route.resource, matches, res };
    watchers.add(watcher);
    const timeout = Number.parseInt(query.timeoutSeconds ?? '', 10);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    res.on('close', () => {
      watchers.delete(watcher);
      clearTimeout(timer);
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query });
    try {
      if (req.headers.authorization !== `Bearer ${token}`) throw unauthorized();
      const route = parseRoute(url.pathname);
      if (!route) throw pathNotFound();
      if (req.method !== 'GET') {
        throw failure(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
      }
      if (route.name !== undefined) {
        sendJson(res, 200, getOne({ ...route, name: route.name }));
      } else if (query.watch === 'true' || query.watch === '1') {
        watch(res, route, query);
      } else {
        const queued = failures.get(route.resource);
        const status = queued?.shift();
        if (status !== undefined) throw injected(route.resource, status, route.namespace);
        sendJson(res, 200, list(route, query));
      }
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
      } else if (error instanceof StatusError) {
        sendJson(res, error.status.code, error.status);
      } else {
        const message = `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`;
        sendJson(res, 500, failure(500, 'InternalError', message).status);
      }
    }
  }

  const server = createServer({ key: serving.key, cert: serving.cert }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function writeKubeconfig(options: { token?: string; context?: string } = {}): string {
    kubeconfigs += 1;
    const path = join(dir, `kubeconfig-${kubeconfigs}.yaml`);
    writeFileSync(path, kubeconfigYaml(url, ca.cert, options.token ?? token, options.context ?? 'fake'), {
      mode: 0o600,
    });
    return path;
  }

  function dropWatches(): void {
    for (const watcher of watchers) watcher.res.end();
    watchers.clear();
  }

  return {
    url,
    ca: ca.cert,
    token,
    kubeconfigPath: writeKubeconfig(),
    writeKubeconfig,
    set,
    upsert,
    remove,
    dropWatches,
    compactBefore(resourceVersion = rv) {
      compactedBefore = Math.max(compactedBefore, resourceVersion);
      events = events.filter((event) => event.rv >= compactedBefore);
      for (const [id, snapshot] of snapshots) if (snapshot.rv < compactedBefore) snapshots.delete(id);
    },
    expireContinueTokens() {
      snapshots.clear();
    },
    failNext(resource, status, times = 1) {
      const queued = failures.get(resource) ?? [];
      for (let i = 0; i < times; i += 1) queued.push(status);
      failures.set(resource, queued);
    },
    requests,
    resourceVersion: () => rv,
    close() {
      dropWatches();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => {
          rmSync(dir, { recursive: true, force: true });
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}
