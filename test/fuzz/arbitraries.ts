// Generators shared by the fuzz tests: hostile strings, JSON values of every
// shape, pods that reach deep into the model, the real fixtures, and random
// mutations of any of them (replace or remove the value at a random path).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { TEMPLATE_PATHS } from '../../src/admission/objects.js';
import { MOUNT_HINT_PREFIX } from '../../src/gvisor/hints.js';
import { REAL_FIXTURES, REPO_ROOT } from '../helpers.js';

// A failing property shrinks for at most this long, so that a failure never looks like a hang.
fc.configureGlobal({ interruptAfterTimeLimit: 30_000, markInterruptAsFailure: true });

export type Path = (string | number)[];
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets a property even when its name is `__proto__`, as JSON.parse does. */
function define(target: Record<string | number, unknown>, key: string | number, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** Strings that look like what the code expects, or like what breaks it. */
export const SPECIAL_STRINGS = [
  '',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u00a0',
  '\u2028',
  '\u200b',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\ud83d\ude00',
  'é',
  '日本語',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'NaN',
  '-1',
  '0',
  '1e400',
  'null',
  'true',
  '%q',
  '%s%!',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder is the point.
  '${x}',
  '\\',
  '"',
  "'",
  ',',
  '=',
  '==',
  'x=y=z',
  '.',
  '..',
  'a.b',
  '/',
  '//',
  '/a',
  '/a/',
  '/a/../b',
  'rel/path',
  'Pod',
  'List',
  'PodList',
  'AdmissionReview',
  'Deployment',
  'CronJob',
  'gvisor',
  'runsc',
  'bind',
  'tmpfs',
  'erofs',
  'pod',
  'container',
  'shared',
  'rshared',
  'ro',
  'rw,noexec,nosuid,noatime',
  'shared,rshared,ro',
  'default',
  'off',
  'none',
  'root:self',
  'all:self',
  'root:memory',
  'all:memory',
  'root:',
  'all:dir=/tmp',
  'root:dir=rel',
  'root:self,size=1g',
  'root:self,size=',
  'root:self,foo',
  'root:self,size=1,size=2',
  'every:self',
  'root:self:x',
  'dir=',
  'dir=/',
  'size=1g',
  'size',
  'release-20260803.0',
  'release-20260803.1',
  'release-20260802.99',
  'release-99999999.99999999999999999999',
  'release-00000000.0',
  'release-2026080.0',
  'pre-fix',
  'fixed',
  'pod-global',
  '1',
  't',
  'T',
  'TRUE',
  'False',
  'Always',
  'OnFailure',
  'HostToContainer',
  'Bidirectional',
  'File',
  'FileOrCreate',
  'DirectoryOrCreate',
  'Socket',
  'Memory',
  'CREATE',
  'UPDATE',
  'DELETE',
  'CONNECT',
  'ephemeralcontainers',
  'status',
  'admission.k8s.io/v1',
  'admission.k8s.io/v1beta1',
  'dev.gvisor.spec.mount.',
  'dev.gvisor.spec.mount..type',
  'dev.gvisor.spec.rootfs.',
  'writer-a=writer-b',
  '=writer',
  'a'.repeat(300),
];

const loneSurrogates = fc
  .array(fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', 'x', '\ud83d\ude00'), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.join(''));

/** Strings of a few thousand to `max` characters, made of a short random piece repeated. */
export function hugeString(max: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.integer({ min: 1000, max }),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 4 }),
      fc.constantFrom('', 'dev.gvisor.spec.mount.', '/'),
    )
    .map(
      ([length, piece, prefix]) => prefix + piece.repeat(Math.ceil(length / piece.length)).slice(0, length),
    );
}

/** Any string a hostile or careless client might send. */
export function evilString(options: { hugeMax?: number } = {}): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.string(), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary' }), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary-ascii' }), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }), weight: 1 },
    { arbitrary: fc.constantFrom(...SPECIAL_STRINGS), weight: 5 },
    { arbitrary: loneSurrogates, weight: 1 },
    { arbitrary: hugeString(options.hugeMax ?? 20_000), weight: 1 },
  );
}

/** Objects nested `depth` levels deep, including the shapes extractPods recurses into. */
export function deeplyNested(maxDepth: number): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      fc.integer({ min: 1, max: maxDepth }),
      fc.constantFrom('array', 'object', 'list', 'review', 'mixed'),
    )
    .map(([depth, shape]) => {
      let value: unknown = {
        kind: 'Pod',
        metadata: { name: 'innermost' },
        spec: { containers: [{ name: 'c' }] },
      };
      for (let level = 0; level < depth; level += 1) {
        const pick = shape === 'mixed' ? (['list', 'review'] as const)[level % 2] : shape;
        if (pick === 'array') value = [value];
        else if (pick === 'object') value = { kind: 'Pod', spec: { containers: [{ name: 'c', x: value }] } };
        else if (pick === 'list') value = { apiVersion: 'v1', kind: 'List', items: [value] };
        else value = { kind: 'AdmissionReview', request: { namespace: 'ns', object: value } };
      }
      // fast-check would print (and overflow the stack printing) the whole value in a report.
      if (typeof value === 'object' && value !== null) {
        Object.defineProperty(value, fc.toStringMethod, { value: () => `<${shape} nested ${depth} deep>` });
      }
      return value;
    });
}

/** Values of the wrong type (or the right type with a hostile content) for any field. */
export function wrongValue(options: { hugeMax?: number; maxDepth?: number } = {}): fc.Arbitrary<unknown> {
  const text = evilString(options);
  const json = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
  return fc.oneof(
    {
      arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, '', [], {}, [null], [[]], [{}]),
      weight: 6,
    },
    { arbitrary: text, weight: 6 },
    { arbitrary: fc.array(text, { maxLength: 4 }), weight: 2 },
    { arbitrary: fc.dictionary(text, text, { maxKeys: 4 }), weight: 2 },
    { arbitrary: json, weight: 3 },
    { arbitrary: deeplyNested(options.maxDepth ?? 200), weight: 1 },
    {
      arbitrary: fc
        .tuple(
          fc.integer({ min: 1000, max: 5000 }),
          fc.constantFrom<unknown>({ name: 'c' }, 'x', 1, null, []),
        )
        .map(([length, item]) => Array.from({ length }, () => item)),
      weight: 1,
    },
  );
}

// --- Paths and mutations ---------------------------------------------------

/** Every path into a JSON value (the root is []), breadth first, at most `limit`. */
export function pathsOf(value: unknown, limit = 2000): Path[] {
  const paths: Path[] = [[]];
  const queue: Array<[unknown, Path]> = [[value, []]];
  for (let next = queue.shift(); next !== undefined && paths.length < limit; next = queue.shift()) {
    const [node, path] = next;
    const children: Array<[string | number, unknown]> = Array.isArray(node)
      ? node.map((child, index) => [index, child])
      : isRecord(node)
        ? Object.entries(node)
        : [];
    for (const [key, child] of children) {
      const childPath = [...path, key];
      paths.push(childPath);
      queue.push([child, childPath]);
    }
  }
  return paths;
}

export const REMOVE = Symbol('remove');

/** A copy of `root` with the value at `path` replaced (or removed); the rest is shared. */
export function setAt(root: unknown, path: Path, value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value === REMOVE ? undefined : value;
  if (!Array.isArray(root) && !isRecord(root)) return root;
  const current = (root as Record<string | number, unknown>)[head];
  const replaced = rest.length === 0 ? value : setAt(current, rest, value);
  if (Array.isArray(root)) {
    const copy = [...root];
    if (replaced === REMOVE) copy.splice(Number(head), 1);
    else define(copy as unknown as Record<number, unknown>, head, replaced);
    return copy;
  }
  const copy: Record<string | number, unknown> = { ...root };
  if (replaced === REMOVE) delete copy[head];
  else define(copy, head, replaced);
  return copy;
}

export interface Mutation {
  /** Index into the value's paths (taken modulo their number). */
  at: number;
  value: unknown;
}

export function mutation(options: { hugeMax?: number; maxDepth?: number } = {}): fc.Arbitrary<Mutation> {
  return fc.record({
    at: fc.nat(),
    value: fc.oneof(
      { arbitrary: wrongValue(options), weight: 5 },
      { arbitrary: fc.constant(REMOVE), weight: 1 },
    ),
  });
}

export function applyMutations(value: unknown, mutations: readonly Mutation[]): unknown {
  let result = value;
  for (const { at, value: replacement } of mutations) {
    const paths = pathsOf(result);
    const path = paths[at % paths.length] ?? [];
    result = setAt(result, path, replacement);
  }
  return result;
}

/** `base` with one to `max` random paths replaced by wrong values or removed. */
export function mutated<T>(
  base: fc.Arbitrary<T>,
  options: { max?: number; hugeMax?: number; maxDepth?: number } = {},
): fc.Arbitrary<unknown> {
  return fc
    .tuple(base, fc.array(mutation(options), { minLength: 1, maxLength: options.max ?? 3 }))
    .map(([value, mutations]) => applyMutations(value, mutations));
}

// --- Real objects ----------------------------------------------------------

function yamlDocuments(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((document) => document.toJS())
    .filter((value) => value !== null && value !== undefined);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(dir, name));
}

/** Frozen, so that code which writes to its input fails loudly. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Every object in test/fixtures/real and test/fixtures/cases. */
export const FIXTURE_OBJECTS: Record<string, unknown>[] = [
  ...yamlFiles(REAL_FIXTURES),
  ...yamlFiles(join(REPO_ROOT, 'test', 'fixtures', 'cases')),
]
  .flatMap(yamlDocuments)
  .filter(isRecord)
  .map(deepFreeze);

export const JUDGED_KINDS = Object.keys(TEMPLATE_PATHS);

/** A pod (metadata + spec) as the pod template of an object of `kind`. */
export function wrapPod(kind: string, pod: Record<string, unknown>): Record<string, unknown> {
  const metadata = { name: `a-${kind.toLowerCase()}`, namespace: 'default' };
  const template = { metadata: pod.metadata ?? {}, spec: pod.spec };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind: 'Pod', ...pod };
    case 'PodTemplate':
      return { apiVersion: 'v1', kind, metadata, template };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata,
        spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } },
      };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: {}, template } };
  }
}

/** The pods (metadata + spec) of the fixtures, whatever object they came in. */
export const FIXTURE_PODS: Record<string, unknown>[] = FIXTURE_OBJECTS.map(
  (object): Record<string, unknown> | undefined => {
    let template: unknown = object;
    for (const part of TEMPLATE_PATHS[String(object.kind)] ?? []) {
      template = isRecord(template) ? template[part] : undefined;
    }
    return isRecord(template) ? { metadata: template.metadata, spec: template.spec } : undefined;
  },
).filter((pod): pod is Record<string, unknown> => pod !== undefined);

/** A fixture, or a fixture's pod wrapped as any judged kind, a List of them, or an AdmissionReview. */
export const realObject: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.constantFrom(...FIXTURE_OBJECTS),
  fc
    .tuple(fc.constantFrom(...JUDGED_KINDS), fc.constantFrom(...FIXTURE_PODS))
    .map(([kind, pod]) => wrapPod(kind, pod)),
  fc
    .array(fc.constantFrom(...FIXTURE_OBJECTS), { minLength: 0, maxLength: 3 })
    .map((items) => ({ apiVersion: 'v1', kind: 'List', items })),
  fc.constantFrom(...FIXTURE_OBJECTS).map((object) => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'u', operation: 'CREATE', namespace: 'ns', object },
  })),
);

// --- Pods that reach deep into the model ----------------------------------

const VOLUME_NAMES = ['v', 'w', 'data', 'a.b', '', 'constructor', '__proto__'];
const HINT_FIELDS = ['type', 'share', 'source', 'options', 'directfs', 'bogus', '', 'type.x'];
const HINT_VALUES = [
  'bind',
  'tmpfs',
  'pod',
  'container',
  'shared',
  '',
  'ro',
  'rw,noexec',
  'shared,rshared',
  'ro,nosuid,noatime,noexec',
  'default',
  'off',
  '/src',
  'nope',
];

function gvisorAnnotation(text: fc.Arbitrary<string>): fc.Arbitrary<[string, string]> {
  const volume = fc.oneof(
    { arbitrary: fc.constantFrom(...VOLUME_NAMES), weight: 5 },
    { arbitrary: text, weight: 1 },
  );
  const value = fc.oneof(
    { arbitrary: fc.constantFrom(...HINT_VALUES, ...SPECIAL_STRINGS), weight: 4 },
    { arbitrary: text, weight: 1 },
  );
  return fc.oneof(
    fc
      .tuple(volume, fc.constantFrom(...HINT_FIELDS), value)
      .map(([v, field, val]): [string, string] => [`dev.gvisor.spec.mount.${v}.${field}`, val]),
    fc
      .tuple(fc.constantFrom('source', 'type', 'overlay', 'options', 'directfs', 'x'), value)
      .map(([field, val]): [string, string] => [`dev.gvisor.spec.rootfs.${field}`, val]),
    fc
      .tuple(fc.constantFrom('root:self', 'all:self', 'none', 'all:memory', 'all:dir=/tmp', 'x'), value)
      .map(([overlay, val]): [string, string] => [
        'dev.gvisor.flag.overlay2',
        val === 'nope' ? overlay : val,
      ]),
    fc
      .tuple(volume, fc.constantFrom('true', 'false', '1', 'yes', ''))
      .map(([v, val]): [string, string] => [`dev.gvisor.empty-dir.${v}.force-shared`, val]),
    fc
      .tuple(fc.constantFrom('c0', 'c1'), fc.constantFrom('c0=c1', 'c1=c0', 'x=c0', '=c0', 'c0'))
      .map(([id, val]): [string, string] => [`dev.gvisor.container-name-remap.${id}`, val]),
    fc
      .constantFrom('dev.gvisor.internal.restore.host-image-path', 'dev.gvisor.checkpoint.host-image-path')
      .map((key): [string, string] => [key, '/images/x']),
    fc.tuple(text, value).map(([key, val]): [string, string] => [key, val]),
  );
}

export function annotations(text: fc.Arbitrary<string>): fc.Arbitrary<Record<string, string>> {
  return fc.array(gvisorAnnotation(text), { maxLength: 8 }).map((entries) => {
    const out: Record<string, string> = {};
    for (const [key, value] of entries) define(out, key, value);
    return out;
  });
}

function optionalFields<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/** A pod (metadata + spec) on a gVisor RuntimeClass (mostly), with hints, mounts and volumes. */
export function modelPod(options: { hugeMax?: number } = {}): fc.Arbitrary<Record<string, unknown>> {
  const text = evilString(options);
  const volumeName = fc.oneof(
    { arbitrary: fc.constantFrom(...VOLUME_NAMES), weight: 6 },
    { arbitrary: text, weight: 1 },
  );
  const mountPath = fc.oneof(
    { arbitrary: fc.constantFrom('/v', '/w', '/data', '/a/b', '/ab', '/', '//', '', 'rel'), weight: 6 },
    { arbitrary: text, weight: 1 },
  );
  const volumeMount = fc
    .record({
      name: volumeName,
      mountPath,
      subPath: fc.option(fc.constantFrom('s', ''), { nil: undefined, freq: 4 }),
      subPathExpr: fc.option(fc.constantFrom('$(POD)', ''), { nil: undefined, freq: 8 }),
      readOnly: fc.option(fc.boolean(), { nil: undefined }),
      mountPropagation: fc.option(fc.constantFrom('HostToContainer', 'Bidirectional', 'None', 'x'), {
        nil: undefined,
      }),
    })
    .map(optionalFields);
  const containerName = fc.oneof(
    { arbitrary: fc.constantFrom('c0', 'c1', 'c2', 'writer-a', 'writer-b'), weight: 6 },
    { arbitrary: text, weight: 1 },
  );
  const container = fc
    .record({
      name: containerName,
      restartPolicy: fc.option(fc.constantFrom('Always', 'Never', 'OnFailure'), { nil: undefined }),
      volumeMounts: fc.option(fc.array(volumeMount, { maxLength: 4 }), { nil: undefined, freq: 6 }),
      securityContext: fc.option(
        fc.record({ readOnlyRootFilesystem: fc.option(fc.boolean(), { nil: null }) }),
        { nil: undefined },
      ),
    })
    .map(optionalFields);
  const source = fc.constantFrom<Record<string, unknown>>(
    { emptyDir: {} },
    { emptyDir: { medium: 'Memory' } },
    {},
    { hostPath: { path: '/host' } },
    { hostPath: { path: '/host/file', type: 'File' } },
    { hostPath: { path: '/host', type: 'Socket' } },
    { persistentVolumeClaim: { claimName: 'claim' } },
    { ephemeral: { volumeClaimTemplate: {} } },
    { configMap: { name: 'cm' } },
    { secret: { secretName: 's' } },
    { projected: { sources: [] } },
    { downwardAPI: {} },
    { csi: { driver: 'd' } },
    { nfs: { server: 's', path: '/' } },
    { emptyDir: null, hostPath: null },
    { constructor: {} },
    { toString: { x: 1 } },
  );
  const volume = fc.tuple(volumeName, source).map(([name, fields]) => ({ name, ...fields }));
  return fc
    .record({
      name: fc.option(containerName, { nil: undefined }),
      namespace: fc.option(fc.constantFrom('default', 'ns', ''), { nil: undefined }),
      annotations: annotations(text),
      runtimeClassName: fc.oneof(
        { arbitrary: fc.constant('gvisor'), weight: 8 },
        { arbitrary: fc.constantFrom(null, undefined, 'runc', 'runsc'), weight: 2 },
      ),
      initContainers: fc.array(container, { maxLength: 2 }),
      containers: fc.array(container, { minLength: 1, maxLength: 4 }),
      ephemeralContainers: fc.array(container, { maxLength: 1 }),
      volumes: fc.array(volume, { maxLength: 4 }),
    })
    .map((pod) => ({
      metadata: optionalFields({ name: pod.name, namespace: pod.namespace, annotations: pod.annotations }),
      spec: optionalFields({
        runtimeClassName: pod.runtimeClassName,
        initContainers: pod.initContainers.length > 0 ? pod.initContainers : undefined,
        containers: pod.containers,
        ephemeralContainers: pod.ephemeralContainers.length > 0 ? pod.ephemeralContainers : undefined,
        volumes: pod.volumes,
      }),
    }));
}

/** A generated pod as an object of any judged kind. */
export function modelObject(options: { hugeMax?: number } = {}): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.constantFrom(...JUDGED_KINDS), modelPod(options))
    .map(([kind, pod]) => wrapPod(kind, pod));
}

/** Any value a Kubernetes object could be confused with: random JSON, real, generated and mutated objects. */
export function anyObject(options: { hugeMax?: number; maxDepth?: number } = {}): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
    { arbitrary: wrongValue(options), weight: 1 },
    { arbitrary: realObject, weight: 1 },
    { arbitrary: modelObject(options), weight: 3 },
    { arbitrary: mutated(realObject, options), weight: 3 },
    { arbitrary: mutated(modelObject(options), options), weight: 3 },
  );
}

/** An AdmissionReview of any operation, kind and object, with hostile strings where the apiserver puts names. */
export function admissionReview(
  options: { hugeMax?: number; maxDepth?: number } = {},
): fc.Arbitrary<Record<string, unknown>> {
  const text = evilString(options);
  return fc
    .record({
      apiVersion: fc.constantFrom('admission.k8s.io/v1', 'admission.k8s.io/v1beta1'),
      uid: fc.oneof(fc.uuid(), text).filter((uid) => uid !== ''),
      operation: fc.oneof(fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT'), text),
      kind: fc.oneof(fc.constantFrom('Pod', 'Deployment', 'CronJob', 'PodTemplate', 'Secret'), text),
      subResource: fc.option(fc.oneof(fc.constantFrom('', 'ephemeralcontainers', 'status'), text), {
        nil: undefined,
      }),
      namespace: fc.option(fc.oneof(fc.constantFrom('default', 'kube-system', 'ns'), text), { nil: null }),
      name: fc.option(text, { nil: undefined }),
      username: fc.oneof(fc.constantFrom('alice', 'system:serviceaccount:ns:sa'), text),
      object: anyObject(options),
      oldObject: fc.oneof(fc.constant(null), fc.constant('same'), anyObject(options)),
      dryRun: fc.boolean(),
    })
    .map((r) => ({
      apiVersion: r.apiVersion,
      kind: 'AdmissionReview',
      request: {
        uid: r.uid,
        kind: { group: '', version: 'v1', kind: r.kind },
        resource: { group: '', version: 'v1', resource: `${r.kind.toLowerCase()}s` },
        ...(r.subResource === undefined ? {} : { subResource: r.subResource }),
        operation: r.operation,
        namespace: r.namespace,
        ...(r.name === undefined ? {} : { name: r.name }),
        userInfo: { username: r.username, groups: ['system:authenticated'] },
        object: r.object,
        oldObject: r.oldObject === 'same' ? r.object : r.oldObject,
        dryRun: r.dryRun,
      },
    }));
}

/** Every field of an AdmissionReview's request that restore-guard reads, and the review's own. */
export const REVIEW_PATHS: Path[] = [
  ['apiVersion'],
  ['kind'],
  ['request'],
  ...[
    'uid',
    'kind',
    'resource',
    'subResource',
    'operation',
    'namespace',
    'name',
    'object',
    'oldObject',
    'dryRun',
    'userInfo',
  ].map((field) => ['request', field]),
  ['request', 'kind', 'kind'],
  ['request', 'kind', 'group'],
  ['request', 'kind', 'version'],
  ['request', 'resource', 'resource'],
  ['request', 'userInfo', 'username'],
  ['request', 'userInfo', 'groups'],
  ['request', 'userInfo', 'groups', 0],
  ['request', 'object', 'kind'],
  ['request', 'object', 'metadata'],
  ['request', 'object', 'metadata', 'annotations'],
  ['request', 'object', 'spec'],
  ['request', 'object', 'spec', 'containers'],
];

/** `review` with the value at some of REVIEW_PATHS replaced by a wrong one, or removed. */
export function reviewWithWrongFields(
  review: fc.Arbitrary<Record<string, unknown>>,
  options: { hugeMax?: number; maxDepth?: number } = {},
): fc.Arbitrary<unknown> {
  const change = fc.tuple(
    fc.constantFrom(...REVIEW_PATHS),
    fc.oneof({ arbitrary: wrongValue(options), weight: 5 }, { arbitrary: fc.constant(REMOVE), weight: 1 }),
  );
  return fc
    .tuple(review, fc.array(change, { minLength: 1, maxLength: 3 }))
    .map(([body, changes]) =>
      changes.reduce<unknown>((value, [path, wrong]) => setAt(value, path, wrong), body),
    );
}

/** A pod with `count` hinted emptyDirs, each mounted by every container. */
export function largePod(
  count: number,
  options: { restore?: boolean; subPath?: boolean; ignored?: boolean } = {},
) {
  const annotations: Record<string, string> = options.restore
    ? { 'dev.gvisor.internal.restore.host-image-path': '/images/1' }
    : {};
  for (let index = 0; index < count; index += 1) {
    annotations[`${MOUNT_HINT_PREFIX}v${index}.type`] = 'bind';
    annotations[`${MOUNT_HINT_PREFIX}v${index}.share`] = 'pod';
    if (options.ignored) annotations[`${MOUNT_HINT_PREFIX}v${index}.bogus`] = 'x';
  }
  const mounts = (prefix: string) =>
    Array.from({ length: count }, (_, index) => ({
      name: options.subPath ? 'v0' : `v${index}`,
      mountPath: `${prefix}/m${index}`,
      ...(options.subPath ? { subPath: 's' } : {}),
    }));
  return {
    kind: 'Pod',
    metadata: { name: 'large', annotations },
    spec: {
      runtimeClassName: 'gvisor',
      initContainers: [{ name: 'init', volumeMounts: mounts('/init') }],
      containers: [
        { name: 'a', volumeMounts: mounts('/a') },
        { name: 'b', volumeMounts: mounts('') },
      ],
      volumes: Array.from({ length: count }, (_, index) => ({ name: `v${index}`, emptyDir: {} })),
    },
  };
}
