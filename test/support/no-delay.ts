import { Socket } from 'node:net';
import { vi } from 'vitest';

/**
 * Watches `Socket.prototype.setNoDelay` from now on: which sockets to a given port had Nagle's
 * algorithm turned off (TLS sockets included, they are Sockets). `restore()` ends the watch.
 */
export function watchNoDelay(): { turnedOffTo(port: number): Socket[]; restore(): void } {
  const spy = vi.spyOn(Socket.prototype, 'setNoDelay');
  return {
    turnedOffTo: (port) => spy.mock.contexts
      .filter((socket, i) => (socket as Socket).remotePort === port && spy.mock.calls[i]?.[0] !== false)
      .map((socket) => socket as Socket),
    restore: () => spy.mockRestore(),
  };
}
