import { randomBytes } from 'node:crypto';
import { downlinkTopic, type DownlinkKind, type DownlinkPayloads } from './protocol/index.js';

export const commandDefaults = {
  ttlMs: 10_000, // 10 s: a command older than that is ignored by the device
};

export type CommandBody<K extends DownlinkKind> = Omit<DownlinkPayloads[K], 'v' | 'nonce' | 'issuedAt' | 'expiresAt'>;

/** Sends commands to devices, each with a fresh nonce and an expiry so it can never be replayed. */
export class CommandPublisher {
  constructor(private readonly deps: {
    site: string;
    publish: (topic: string, payload: string) => Promise<void>;
    clock: () => number;
  }) {}

  async send<K extends DownlinkKind>(deviceId: string, kind: K, body: CommandBody<K>, ttlMs = commandDefaults.ttlMs): Promise<DownlinkPayloads[K]> {
    const issuedAt = this.deps.clock();
    const command = { v: 1, nonce: randomBytes(16).toString('base64url'), issuedAt, expiresAt: issuedAt + ttlMs, ...body } as DownlinkPayloads[K];
    await this.deps.publish(downlinkTopic(this.deps.site, deviceId, kind), JSON.stringify(command));
    return command;
  }
}
