import { Transform, type TransformCallback } from 'node:stream';

export class FrameLimitError extends Error {}

/**
 * Reads the MQTT fixed header of every packet going by and fails as soon as one announces a
 * remaining length above the limit, before the broker buffers it (mqtt-packet has no size limit
 * of its own). Bytes pass through untouched.
 */
export class MqttFrameGuard extends Transform {
  #state: 'type' | 'length' | 'body' = 'type';
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #remaining = 0;

  constructor(private readonly maxPacketBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === 'type') {
        i += 1;
        this.#state = 'length';
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
      } else if (this.#state === 'length') {
        const byte = chunk[i++] as number;
        this.#length += (byte & 0x7f) * this.#multiplier;
        this.#multiplier *= 128;
        this.#lengthBytes += 1;
        if (this.#length > this.maxPacketBytes) {
          done(new FrameLimitError(`MQTT packet of ${this.#length} bytes exceeds the ${this.maxPacketBytes}-byte limit`));
          return;
        }
        if ((byte & 0x80) === 0) {
          this.#remaining = this.#length;
          this.#state = this.#remaining === 0 ? 'type' : 'body';
        } else if (this.#lengthBytes === 4) {
          done(new FrameLimitError('malformed MQTT remaining length')); // [MQTT-2.2.3] at most four bytes
          return;
        }
      } else {
        const take = Math.min(this.#remaining, chunk.length - i);
        i += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = 'type';
      }
    }
    done(null, chunk);
  }
}
