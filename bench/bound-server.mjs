// The bound for `npm run bench`: a bare Fastify server with the same TLS, the
// same body parsing and limit, answering every AdmissionReview "allowed" with
// its uid and no policy work. Anything restore-guard adds is measured against it.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [certFile, keyFile, port] = process.argv.slice(2);
const app = Fastify({
  bodyLimit: 7 * 1024 * 1024,
  https: { cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2' },
  keepAliveTimeout: 30_000,
});
app.post('/validate', async (request) => {
  const review = request.body;
  return {
    apiVersion: review.apiVersion,
    kind: 'AdmissionReview',
    response: { uid: review.request.uid, allowed: true },
  };
});
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
