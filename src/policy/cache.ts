// A bounded cache of evaluations. Admission sees the same pod spec again and
// again (every replica of a Deployment, retries, dry runs then the real
// thing), and an evaluation depends only on the spec, the dev.gvisor.*
// annotations, whether the object is a restore, and the settings.

import type { PodInput } from '../gvisor/pod.js';
import type { EvaluationSettings } from './config.js';
import { type Evaluation, evaluatePod, isRestore, judgedPart } from './evaluate.js';

export class EvaluationCache {
  private readonly entries = new Map<string, Evaluation>();
  private readonly settingsIds = new WeakMap<EvaluationSettings, number>();
  private nextSettingsId = 0;
  hits = 0;
  misses = 0;

  /** Characters of all keys together. An evaluation takes up to ~25 times its spec's JSON. */
  private keyChars = 0;

  constructor(
    private readonly capacity = 1000,
    private readonly maxKeyChars = 2 * 1024 * 1024,
  ) {}

  evaluate(pod: PodInput, settings: EvaluationSettings): Evaluation {
    let key: string;
    try {
      key = this.keyOf(pod, settings);
    } catch (error) {
      // JSON.stringify overflows the stack on a spec nested thousands deep: judge it, uncached.
      if (!(error instanceof RangeError)) throw error;
      return evaluatePod(pod, settings);
    }
    const cached = this.entries.get(key);
    if (cached) {
      this.hits += 1;
      // Least recently used goes first: move this one to the end.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    this.misses += 1;
    const evaluation = evaluatePod(pod, settings);
    // Bounded by size as well as count: distinct large specs must not fill the heap.
    if (key.length > this.maxKeyChars / 16) return evaluation;
    this.entries.set(key, evaluation);
    this.keyChars += key.length;
    while (this.entries.size > this.capacity || this.keyChars > this.maxKeyChars) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.keyChars -= oldest.length;
    }
    return evaluation;
  }

  get size(): number {
    return this.entries.size;
  }

  private keyOf(pod: PodInput, settings: EvaluationSettings): string {
    let id = this.settingsIds.get(settings);
    if (id === undefined) {
      id = this.nextSettingsId++;
      this.settingsIds.set(settings, id);
    }
    return `${id}:${isRestore(pod, settings)}:${judgedPart(pod)}`;
  }
}
