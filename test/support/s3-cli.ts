/**
 * `npm run s3`: a local S3 (s3rver behind the conditional-write shim of s3-server.ts) for running diffalign
 * against S3 without AWS. Options: --port (4568), --host (127.0.0.1), --bucket (diffalign),
 * --directory (./data-s3), --verbose (log each request).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startS3Server } from './s3-server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4568' },
    host: { type: 'string', default: '127.0.0.1' },
    bucket: { type: 'string', default: 'diffalign' },
    directory: { type: 'string', default: './data-s3' },
    verbose: { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: expected a port number, got ${values.port}`);
  process.exit(2);
}
const directory = resolve(values.directory);
const server = await startS3Server({ port, host: values.host, bucket: values.bucket, directory, verbose: values.verbose });
console.log(`s3 listening on ${server.endpoint} (bucket ${server.bucket}, data in ${directory})`);
console.log(`run diffalign on it: DIFFALIGN_STORAGE=s3 DIFFALIGN_S3_ENDPOINT=${server.endpoint} DIFFALIGN_S3_BUCKET=${server.bucket} npm start`);

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
