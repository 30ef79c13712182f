import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

/**
 * A bare aedes broker, the same version the controller embeds, with nothing of the controller:
 * no authentication, no ACL, no frame guard, no ingest. The reference the ingest is compared with.
 * Run as its own process: prints {"port": N} once listening, stops on SIGTERM/SIGINT.
 */

export const rawBrokerDefaults = {
  concurrency: 1_000, // as brokerDefaults.concurrency in broker/embedded-broker.ts
};

async function main(): Promise<void> {
  const aedes = await Aedes.createBroker({ concurrency: rawBrokerDefaults.concurrency });
  const server = createServer((socket) => {
    socket.setNoDelay(true); // as the embedded broker: no Nagle delay on request/reply exchanges
    aedes.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  const stop = () => {
    server.close();
    aedes.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 3_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
