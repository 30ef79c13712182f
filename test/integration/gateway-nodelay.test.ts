import { Socket, createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayConnection } from '../../gateway/connection.js';
import { mosquittoAvailable, startMosquitto, type RunningMosquitto } from '../support/mosquitto.js';
import { eventually } from '../support/mqtt-device.js';
import { watchNoDelay } from '../support/no-delay.js';

/**
 * The controller's own MQTT socket carries the doors' access answers: with Nagle's algorithm on, a
 * small answer waits for the ACK of the previous packet, which the broker may delay by 40 ms
 * (measured through Mosquitto: every answer 42 ms late). The gateway turns it off on every socket
 * it opens, reconnections included.
 */
const gatewayTo = (url: string, password: string, mode: 'embedded' | 'external'): GatewayConnection => new GatewayConnection({
  url, site: 'menil-flin', username: 'controller', password, clientId: 'controller', mode,
  ingest: () => Promise.resolve({ status: 'duplicate' }), onStatus: () => {}, logger: pino({ level: 'silent' }),
});

describe('gateway connection: TCP_NODELAY', () => {
  let server: Server | undefined;
  let broker: Aedes | undefined;
  let gateway: GatewayConnection | undefined;
  let mosquitto: RunningMosquitto | undefined;

  afterEach(async () => {
    vi.restoreAllMocks();
    await gateway?.stop();
    await mosquitto?.stop();
    mosquitto = undefined;
    await new Promise<void>((resolve) => (broker === undefined ? resolve() : broker.close(() => resolve())));
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    gateway = undefined;
    broker = undefined;
    server = undefined;
  });

  it('sets TCP_NODELAY on the socket to the broker, and again after a reconnection', async () => {
    const aedes = await Aedes.createBroker();
    broker = aedes;
    const brokerSide: Socket[] = [];
    const listening = createServer((socket) => {
      brokerSide.push(socket);
      aedes.handle(socket);
    });
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const port = (listening.address() as AddressInfo).port;

    const noDelay = watchNoDelay();
    const toBroker = () => noDelay.turnedOffTo(port);

    gateway = gatewayTo(`mqtt://127.0.0.1:${port}`, 'unchecked', 'embedded');
    await gateway.start();
    expect(toBroker()).toHaveLength(1);

    // The broker drops the connection; mqtt.js opens a new socket (reconnectPeriod 1 s).
    brokerSide[0]?.destroy();
    await eventually(() => gateway?.connected === true && toBroker().length === 2, 'the gateway reconnected with TCP_NODELAY again', 5_000);
    const [first, second] = toBroker();
    expect(second).not.toBe(first);
  });

  it.skipIf(!mosquittoAvailable())('sets it on the external broker path too (MQTT 5, persistent session, Mosquitto)', async () => {
    const password = 'controller-secret-for-the-test';
    const broker = await startMosquitto({ site: 'menil-flin', controllerUsername: 'controller', users: [{ username: 'controller', password }] });
    mosquitto = broker;
    const noDelay = watchNoDelay();
    gateway = gatewayTo(broker.url, password, 'external');
    await gateway.start();
    expect(noDelay.turnedOffTo(broker.port)).toHaveLength(1);
  });
});
