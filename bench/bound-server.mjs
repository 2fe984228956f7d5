// The bound for `npm run bench`: a bare Fastify server with the same TLS, the
// same body parsing and limit, answering every AdmissionReview "allowed" with
// its uid and no policy work. Anything restore-guard adds is measured against it.
//
// With a fourth argument, a file holding one AdmissionReview response, it
// answers every review with that response instead (the uid swapped in): the
// cost of sending restore-guard's own answer, still with no policy work.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [certFile, keyFile, port, answerFile] = process.argv.slice(2);
const answer = answerFile ? JSON.parse(readFileSync(answerFile, 'utf8')) : undefined;
const app = Fastify({
  bodyLimit: 7 * 1024 * 1024,
  https: { cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2' },
  keepAliveTimeout: 30_000,
});
app.post('/validate', async (request) => {
  const review = request.body;
  const uid = review.request.uid;
  if (answer) return { ...answer, response: { ...answer.response, uid } };
  return { apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid, allowed: true } };
});
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
