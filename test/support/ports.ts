import { createServer, type AddressInfo } from 'node:net';

/** A port free on 127.0.0.1 now, for a controller a test restarts on the same port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
