import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { downlinkTopic, parseTopic, PROTOCOL_VERSION, type AccessDownlink } from '../gateway/protocol/index.js';

/**
 * A bare aedes broker, the same version the controller embeds, with nothing of the controller:
 * no authentication, no ACL, no frame guard, no ingest. The reference the ingest is compared with.
 * With `--answer-badges`, it also answers each badge uplink at once with a grant on the reader's
 * access topic, in the broker's own process: the least any controller on this broker could do, the
 * floor of the badge round trip (bench/scenarios/badge.ts).
 * Run as its own process: prints {"port": N} once listening, stops on SIGTERM/SIGINT.
 */

export const rawBrokerDefaults = {
  concurrency: 1_000, // as brokerDefaults.concurrency in broker/embedded-broker.ts
  answerTtlMs: 3_000, // 3 s, as the controller's access answers
};

function answerBadges(aedes: Aedes): void {
  aedes.on('publish', (packet, client) => {
    const topic = client === null ? null : parseTopic(packet.topic);
    if (topic === null || topic.direction !== 'up' || topic.kind !== 'badge') return;
    let badge: unknown;
    try {
      badge = JSON.parse(packet.payload.toString('utf8'));
    } catch {
      return;
    }
    // Only what the answer names is checked: the floor stays the least a controller could do.
    if (typeof badge !== 'object' || badge === null) return;
    const { bootId, seq } = badge as Record<string, unknown>;
    if (typeof bootId !== 'string' || typeof seq !== 'number') return;
    const issuedAt = Date.now();
    const answer: AccessDownlink = {
      v: PROTOCOL_VERSION, nonce: randomBytes(16).toString('base64url'), issuedAt, expiresAt: issuedAt + rawBrokerDefaults.answerTtlMs,
      grant: true, reason: 'granted', unlockMs: 3_000, inReplyTo: { bootId, seq },
    };
    aedes.publish({
      cmd: 'publish', topic: downlinkTopic(topic.site, topic.deviceId, 'access'), payload: Buffer.from(JSON.stringify(answer)),
      qos: 1, retain: false, dup: false,
    }, () => {});
  });
}

async function main(): Promise<void> {
  const aedes = await Aedes.createBroker({ concurrency: rawBrokerDefaults.concurrency });
  if (process.argv.includes('--answer-badges')) answerBadges(aedes);
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
