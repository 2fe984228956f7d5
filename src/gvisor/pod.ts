// The few fields of a Kubernetes pod that the runsc model reads. Everything
// else a pod carries is irrelevant here and is neither required nor checked.

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string | null;
  subPathExpr?: string | null;
  readOnly?: boolean | null;
  mountPropagation?: string | null;
}

export interface Container {
  name: string;
  restartPolicy?: string | null;
  volumeMounts?: VolumeMount[];
  securityContext?: { readOnlyRootFilesystem?: boolean | null } | null;
}

/** A pod volume: its name plus exactly one source field, as in the Kubernetes API. */
export interface Volume {
  name: string;
  emptyDir?: { medium?: string } | null;
  hostPath?: { path?: string | null; type?: string | null } | null;
  [source: string]: unknown;
}

export interface PodSpec {
  runtimeClassName?: string | null;
  initContainers?: Container[];
  containers: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
}

/** What the model needs of a pod or a pod template. */
export interface PodInput {
  annotations: Record<string, string>;
  spec: PodSpec;
}

/** Where a container sits in the sandbox. */
export type ContainerRole = 'pause' | 'init' | 'sidecar' | 'app' | 'ephemeral';
