// Pods and pod templates out of Kubernetes objects: every workload kind, List
// objects and AdmissionReviews. Validates only the fields the model reads and
// keeps only those (z.object strips the rest), so the pod the model sees is
// exactly what its cache key covers; errors name the field.

import { z } from 'zod';
import type { PodInput } from '../gvisor/pod.js';

const optionalString = z.string().nullish();
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((value) => value ?? []);

const volumeMount = z.object({
  name: z.string(),
  mountPath: z.string(),
  subPath: optionalString,
  subPathExpr: optionalString,
  readOnly: z.boolean().nullish(),
  mountPropagation: optionalString,
});

const container = z.object({
  name: z.string(),
  restartPolicy: optionalString,
  volumeMounts: list(volumeMount),
  securityContext: z.object({ readOnlyRootFilesystem: z.boolean().nullish() }).nullish(),
});

// Loose: a volume's kind is the name of its one source field, whatever the source.
const volume = z.looseObject({
  name: z.string(),
  hostPath: z.looseObject({ path: optionalString, type: optionalString }).nullish(),
});

const podSpec = z.object({
  runtimeClassName: optionalString,
  initContainers: list(container),
  containers: z.array(container),
  ephemeralContainers: list(container),
  volumes: list(volume),
});

const metadata = z
  .object({
    name: optionalString,
    generateName: optionalString,
    namespace: optionalString,
    uid: optionalString,
    annotations: z.record(z.string(), z.string()).nullish(),
  })
  .nullish();

const podLike = z.object({ metadata, spec: podSpec });

/** Where the pod template sits in each workload kind. */
export const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
};

export interface ExtractedPod {
  kind: string;
  namespace: string | null;
  name: string;
  /** Pod UID when known (a live pod), for paths in messages. */
  uid?: string;
  /** Where the pod spec was found inside the object, e.g. `spec.template`; '' for a Pod. */
  path: string;
  pod: PodInput;
}

/** An object that cannot be judged: the message names the field. */
export class ObjectError extends Error {}

function formatIssues(error: z.ZodError, prefix: readonly string[]): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = [...prefix, ...issue.path.map(String)].reduce(
        (text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : part),
        '',
      );
      return `${path || '(object)'}: ${issue.message}`;
    })
    .join('; ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectName(meta: Record<string, unknown> | undefined): string {
  const name = meta?.name;
  if (typeof name === 'string' && name) return name;
  const generateName = meta?.generateName;
  return typeof generateName === 'string' && generateName ? `${generateName}*` : '';
}

/** True for kinds whose pods or templates restore-guard judges. */
export function isJudgedKind(kind: unknown): kind is string {
  return typeof kind === 'string' && Object.hasOwn(TEMPLATE_PATHS, kind);
}

/** Lists and AdmissionReviews inside each other deeper than this are refused, not recursed into. */
export const MAX_NESTING = 32;

/**
 * The pods in one object. Kinds that carry no pod give []; a judged kind
 * whose pod spec is missing or malformed throws ObjectError. `depth` counts
 * the Lists and AdmissionReviews around `object` (0 for callers).
 */
export function extractPods(
  object: unknown,
  fallbackNamespace: string | null = null,
  depth = 0,
): ExtractedPod[] {
  if (depth > MAX_NESTING)
    throw new ObjectError(`Lists and AdmissionReviews nested over ${MAX_NESTING} deep`);
  if (!isRecord(object))
    throw new ObjectError('not a Kubernetes object (expected a mapping with apiVersion and kind)');
  const kind = object.kind;
  if (kind === 'List' || (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(object.items))) {
    if (!Array.isArray(object.items)) throw new ObjectError('items: expected an array');
    return object.items.flatMap((item, index) => {
      try {
        return extractPods(item, fallbackNamespace, depth + 1);
      } catch (error) {
        throw new ObjectError(`items[${index}]: ${(error as Error).message}`);
      }
    });
  }
  if (kind === 'AdmissionReview') {
    const request = isRecord(object.request) ? object.request : undefined;
    if (!request) throw new ObjectError('request: expected an AdmissionReview request');
    if (request.object === null || request.object === undefined) return []; // DELETE
    const namespace = typeof request.namespace === 'string' ? request.namespace : fallbackNamespace;
    return extractPods(request.object, namespace, depth + 1);
  }
  if (typeof kind !== 'string' || kind === '') throw new ObjectError('kind: expected a string');
  if (!isJudgedKind(kind)) return [];

  const meta = isRecord(object.metadata) ? object.metadata : undefined;
  const templatePath = TEMPLATE_PATHS[kind] ?? [];
  let template: unknown = object;
  for (const part of templatePath) template = isRecord(template) ? template[part] : undefined;
  if (!isRecord(template)) throw new ObjectError(`${templatePath.join('.')}: expected a pod template`);
  const parsed = podLike.safeParse(template);
  if (!parsed.success) {
    const missingSpec = !isRecord(template.spec);
    throw new ObjectError(
      missingSpec
        ? `${[...templatePath, 'spec'].join('.')}: a ${kind} needs a pod spec`
        : formatIssues(parsed.error, templatePath),
    );
  }
  const namespace =
    typeof meta?.namespace === 'string' && meta.namespace ? meta.namespace : fallbackNamespace;
  const uid = kind === 'Pod' && typeof meta?.uid === 'string' && meta.uid ? meta.uid : undefined;
  const spec = parsed.data.spec;
  return [
    {
      kind,
      namespace,
      name: objectName(meta),
      ...(uid ? { uid } : {}),
      path: templatePath.join('.'),
      pod: {
        annotations: parsed.data.metadata?.annotations ?? {},
        spec: {
          runtimeClassName: spec.runtimeClassName ?? null,
          initContainers: spec.initContainers,
          containers: spec.containers,
          ephemeralContainers: spec.ephemeralContainers,
          volumes: spec.volumes,
        },
      },
    },
  ];
}
