// npm run bench:model: time of the runsc model (and of the full rule set) per
// pod, for a typical pod and for large ones, to show it stays linear in
// containers x mounts. Runs the built code in dist/.
import { analyzePod } from '../dist/gvisor/analyze.js';
import { parseConfig, resolveSettings } from '../dist/policy/config.js';
import { evaluatePod } from '../dist/policy/evaluate.js';

/** A pod of `containers` containers, each mounting `mounts` volumes; volume 0 is the bug's shared hint. */
function makePod(containers, mounts) {
  const volumes = Array.from({ length: mounts }, (_, i) => ({ name: `v${i}`, emptyDir: {} }));
  return {
    annotations: {
      'dev.gvisor.internal.restore.host-image-path': '/ckpt',
      'dev.gvisor.spec.mount.v0.type': 'bind',
      'dev.gvisor.spec.mount.v0.share': 'pod',
    },
    spec: {
      runtimeClassName: 'gvisor',
      containers: Array.from({ length: containers }, (_, c) => ({
        name: `c${c}`,
        volumeMounts: volumes.map((v, m) => ({ name: v.name, mountPath: `/mnt/${m}` })),
      })),
      volumes,
    },
  };
}

function measure(fn, minMillis = 400) {
  for (let i = 0; i < 50; i++) fn(); // warm up
  const samples = [];
  const deadline = performance.now() + minMillis;
  while (performance.now() < deadline || samples.length < 20) {
    const batch = 20;
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    samples.push(Number(process.hrtime.bigint() - start) / batch / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const settings = resolveSettings(parseConfig({}));
const rows = [];
for (const [label, containers, mounts] of [
  ['typical: 2 containers x 1 mount (the seed pod)', 2, 1],
  ['10 containers x 5 mounts', 10, 5],
  ['50 containers x 20 mounts', 50, 20],
  ['100 containers x 20 mounts', 100, 20],
  ['200 containers x 20 mounts', 200, 20],
  ['500 containers x 20 mounts', 500, 20],
]) {
  const pod = makePod(containers, mounts);
  const model = measure(() => analyzePod(pod, { variant: 'pre-fix' }));
  const full = measure(() => evaluatePod(pod, settings));
  rows.push({ label, cells: containers * mounts, model, full });
}

const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log('| pod | model (analyzePod) | model + all rules (evaluatePod) | per container x mount |');
console.log('|---|---|---|---|');
for (const row of rows) {
  console.log(`| ${row.label} | ${fmt(row.model)} | ${fmt(row.full)} | ${fmt(row.full / row.cells)} |`);
}
