// Credentials for the Kubernetes API: a kubeconfig (--kubeconfig, KUBECONFIG,
// ~/.kube/config) or, inside a pod, the service account.

import { KubeConfig } from '@kubernetes/client-node';

export class ClusterAccessError extends Error {}

export interface KubeConfigOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

export function loadKubeConfig(options: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw new ClusterAccessError(
      `cannot load the kubeconfig${options.kubeconfig ? ` ${options.kubeconfig}` : ''}: ${(error as Error).message}`,
    );
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      throw new ClusterAccessError(
        `context "${options.context}" is not in the kubeconfig (have: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ClusterAccessError(
      'no cluster configured: give --kubeconfig, set KUBECONFIG, or run inside a pod with a service account',
    );
  }
  return kc;
}

/** One line saying why a call to the API failed: unauthorized, forbidden, unreachable, or what the server said. */
export function describeApiError(error: unknown, server: string): string {
  // Typed calls put the HTTP status in `code`, watches in `statusCode`; network errors have a string `code`.
  const numeric = [(error as { code?: unknown }).code, (error as { statusCode?: unknown }).statusCode];
  const code = numeric.find((value) => typeof value === 'number');
  const body = (error as { body?: unknown }).body;
  let message: string | undefined;
  if (typeof body === 'string') {
    try {
      message = (JSON.parse(body) as { message?: string }).message;
    } catch {
      message = body.slice(0, 200);
    }
  } else if (body && typeof body === 'object') {
    message = (body as { message?: string }).message;
  }
  if (code === 401)
    return `unauthorized (401): ${server} rejected the credentials${message ? `: ${message}` : ''}`;
  if (code === 403)
    return `forbidden (403): ${message ?? 'the credentials lack permission'} (see docs/rbac.md for the permissions needed)`;
  if (typeof code === 'number') return `the API server answered ${code}${message ? `: ${message}` : ''}`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  return `cannot reach the API server at ${server}: ${reason}`;
}

export function isExpired(error: unknown): boolean {
  return (error as { code?: unknown }).code === 410 || (error as { statusCode?: unknown }).statusCode === 410;
}
