// A bounded cache of evaluations. Admission sees the same pod spec again and
// again (every replica of a Deployment, retries, dry runs then the real
// thing), and an evaluation depends only on the spec, the dev.gvisor.*
// annotations, whether the object is a restore, and the settings.

import type { PodInput } from '../gvisor/pod.js';
import type { EvaluationSettings } from './config.js';
import { type Evaluation, evaluatePod, isRestore } from './evaluate.js';

export class EvaluationCache {
  private readonly entries = new Map<string, Evaluation>();
  private readonly settingsIds = new WeakMap<EvaluationSettings, number>();
  private nextSettingsId = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 1000) {}

  evaluate(pod: PodInput, settings: EvaluationSettings): Evaluation {
    const key = this.keyOf(pod, settings);
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
    this.entries.set(key, evaluation);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
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
    const gvisor = Object.keys(pod.annotations)
      .filter((key) => key.startsWith('dev.gvisor.'))
      .sort()
      .map((key) => [key, pod.annotations[key]]);
    return JSON.stringify([id, isRestore(pod, settings), gvisor, pod.spec]);
  }
}
