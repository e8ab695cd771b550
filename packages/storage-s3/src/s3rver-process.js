// Runs s3rver as its own process and prints its address as one JSON line. Node needs OpenSSL's legacy
// provider for it: s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps
// there (`node --openssl-legacy-provider s3rver-process.js <directory>`). Started by startS3 (testing.ts).
import S3rver from 's3rver';

const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
