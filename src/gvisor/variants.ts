// MODEL.md section 2: the runsc variants and how a release maps to one.

export const VARIANTS = ['pre-fix', 'fixed', 'pod-global'] as const;
export type RunscVariant = (typeof VARIANTS)[number];

/** First release with fc507be3 ("Fix the checkpoint/restore of shared host backed volumes"). */
export const FIRST_FIXED_RELEASE = 'release-20260803.0';

const RELEASE = /^release-(\d{8})\.(\d+)$/;

export type VariantChoice =
  | { ok: true; variant: RunscVariant; release?: string }
  | { ok: false; error: string };

/** Accepts a variant name or a runsc release name such as release-20260803.0. */
export function parseRunsc(value: string): VariantChoice {
  if ((VARIANTS as readonly string[]).includes(value)) return { ok: true, variant: value as RunscVariant };
  const match = RELEASE.exec(value);
  if (!match) {
    return {
      ok: false,
      error: `unknown runsc "${value}": expected pre-fix, fixed, pod-global or a release name like ${FIRST_FIXED_RELEASE}`,
    };
  }
  const [, date, patch] = match as unknown as [string, string, string];
  const [, firstDate, firstPatch] = RELEASE.exec(FIRST_FIXED_RELEASE) as unknown as [string, string, string];
  const fixed = date > firstDate || (date === firstDate && Number(patch) >= Number(firstPatch));
  return { ok: true, variant: fixed ? 'fixed' : 'pre-fix', release: value };
}
