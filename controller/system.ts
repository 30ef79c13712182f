import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { EmbeddedBroker } from '../broker/embedded-broker.js';
import { CommandPublisher } from '../gateway/commands.js';
import { GatewayConnection } from '../gateway/connection.js';
import { UplinkIngest } from '../gateway/ingest.js';
import { createAccessModule, type AccessModule } from './access/module.js';
import { accessRoutes } from './access/routes/index.js';
import { createLiveBuilding, type LiveBuilding } from './presence/module.js';
import { liveBuildingRoutes } from './presence/routes/index.js';
import { LiveHub } from './live/hub.js';
import { liveRoutes } from './live/routes.js';
import { createBookingModule, type BookingModule } from './bookings/module.js';
import { bookingsRoutes } from './bookings/routes/index.js';
import { createBillingModule, type BillingModule } from './billing/module.js';
import { billingRoutes } from './billing/routes/index.js';
import { createAuditLog } from './auth/audit.js';
import { UserService } from './auth/users.js';
import { buildingDevices } from './building/devices.js';
import { loadBuilding } from './building/load.js';
import type { Config } from './config.js';
import { openDatabase } from './db/open.js';
import { syncBehind, WalFsync } from './db/wal-fsync.js';
import { WalCheckpointer } from './db/checkpointer.js';
import { createPresenceStore } from './devices/presence-store.js';
import { DevicePresence } from './devices/presence.js';
import { DeviceRegistry, type DeviceConnections } from './devices/registry.js';
import { deviceRoutes } from './devices/routes.js';
import { EventStore } from './events/event-store.js';
import { listDeadLetters } from './events/dead-letters.js';
import { buildHttpApp } from './http/app.js';
import { projectPath } from './paths.js';

const DASHBOARD_DIR = projectPath('dashboard');

export interface RunningSystem {
  httpUrl: string;
  mqttUrl: string;
  /** The embedded broker's ports; absent with an external broker. */
  mqttPort?: number;
  mqttsPort?: number;
  firstAdminPassword?: string;
  /** Commands to devices (the services of later work send through it; tests use it directly). */
  commands: CommandPublisher;
  /** Access control, for tests that drive it below the API. */
  access: AccessModule;
  live: LiveBuilding;
  /** Bookings, for tests that run its jobs at a chosen time. */
  bookings: BookingModule;
  billing: BillingModule;
  hub: LiveHub;
  stop(): Promise<void>;
}

/**
 * The composition root: builds the database, the controller services, the broker and the gateway
 * from one validated config, starts them in order and stops them in reverse.
 */
export async function startSystem(config: Config, logger: Logger, clock: () => number = Date.now): Promise<RunningSystem> {
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        logger.error({ err }, 'error while stopping');
      }
    }
  };
  try {
    const building = loadBuilding(config.buildingFile);
    const site = building.site.id;
    const database = openDatabase(config.dbFile, { synchronous: config.dbSynchronous });
    stops.push(() => database.close());
    // The ingest's and the decision log's commits are synced off the event loop, so doors never wait for the disk.
    const walFsync = new WalFsync({
      sqlite: database.sqlite, file: config.dbFile, synchronous: config.dbSynchronous,
      onFailure: (err) => logger.fatal({ err }, 'WAL fsync failed: nothing is acknowledged any more (devices and the broker keep their uplinks); restart the controller once the disk is sound'),
    });
    stops.push(() => walFsync.close());
    const checkpointer = new WalCheckpointer({
      sqlite: database.sqlite, file: config.dbFile, logger: logger.child({ module: 'db' }),
      commits: () => walFsync.commits, hold: (work) => walFsync.hold(work),
    });
    checkpointer.start();
    stops.push(() => checkpointer.stop());
    logger.info({ file: config.dbFile, building: building.site.name, revision: building.revision }, 'database ready');

    const audit = createAuditLog({ db: database.db, clock });
    const users = new UserService({ db: database.db, clock });
    const firstAdmin = await users.ensureFirstAdmin(config.adminPassword);

    let broker: EmbeddedBroker | undefined;
    const connections: DeviceConnections = {
      disconnect: (deviceId) => {
        if (broker !== undefined) return broker.disconnect(deviceId);
        logger.warn({ deviceId }, 'external broker: remove or change this device on the broker to close its session');
        return false;
      },
    };
    const registry = new DeviceRegistry({ sqlite: database.sqlite, clock, audit, connections });
    const added = registry.syncBuilding(buildingDevices(building));
    if (added > 0) logger.info({ added }, 'building devices registered');

    let access: AccessModule | undefined; // built below; presence and ingest call into it once it exists
    let live: LiveBuilding | undefined;
    const hub = new LiveHub({
      building, clock, logger: logger.child({ module: 'live' }),
      sources: {
        occupancy: (zoneId) => access?.state.occupancy(zoneId) ?? 0,
        isOnline: (deviceId) => presence.isOnline(deviceId),
        openAlarms: () => (access?.alarms.list({ open: true, limit: 200 }) ?? [])
          .map(({ id, kind, doorId, detail, raisedAt }) => ({ id, kind, doorId, detail, raisedAt })),
        emergency: () => {
          const e = access?.state.emergency;
          return e === undefined ? undefined : { mode: e.mode, by: e.setBy, at: e.setAt };
        },
        personName: (personId) => access?.state.person(personId)?.name ?? null,
      },
    });
    const presence = new DevicePresence({
      store: createPresenceStore(database.sqlite), clock, offlineAfterMs: config.deviceOfflineAfterMs, logger,
      // A reader that (re)boots gets its whole allow-list.
      onChange: (change) => {
        if (change.online && change.reason === 'birth') access?.allowlists.readerOnline(change.deviceId);
        live?.desks.sensorPresence(change.deviceId, change.at);
        hub.devicePresence(change);
      },
    });
    presence.start();
    stops.push(() => presence.stop());

    const ingest = new UplinkIngest({
      store: new EventStore(database.sqlite),
      logger,
      durability: config.mqtt.external?.ack === 'committed' ? syncBehind(walFsync) : walFsync,
      consumer: {
        beforeCommit: (u) => {
          if (u.kind === 'badge') access?.service.answerEarly(u);
        },
        onUplink: (u) => {
          presence.seen(u.deviceId, u.payload.bootId, u.receivedAt, u.kind === 'heartbeat' ? u.payload.intervalS : undefined);
          if (u.kind === 'badge') access?.service.onBadge(u);
          else if (u.kind === 'door') access?.service.onDoor(u);
          else if (u.kind === 'rex') access?.service.onRex(u);
          else if (u.kind === 'desk') live?.desks.report(u.deviceId, u.payload.occupied, u.payload.battery, u.receivedAt);
          else if (u.kind === 'heartbeat' && u.payload.battery !== undefined) live?.desks.battery(u.deviceId, u.payload.battery);
          else if (u.kind === 'net') {
            const { bootId, uptimeS, counters } = u.payload;
            live?.network.report({ eventId: u.id, meterId: u.deviceId, bootId, uptimeS, at: u.receivedAt, counters });
          }
        },
      },
    });
    stops.push(async () => {
      ingest.flush();
      // What was just committed is on disk before the WAL's descriptor and the database close.
      await walFsync.durable().catch((err: unknown) => logger.error({ err }, 'last WAL fsync at shutdown failed'));
    });

    const controllerPassword = config.mqtt.password ?? randomBytes(24).toString('base64url');
    let mqttUrl: string;
    let mqttPort: number | undefined;
    let mqttsPort: number | undefined;
    let caFile: string | undefined;
    if (config.mqtt.embedded !== undefined) {
      const embedded = config.mqtt.embedded;
      broker = new EmbeddedBroker({
        site, host: embedded.host, port: embedded.port,
        ...(embedded.tls === undefined ? {} : { tls: embedded.tls }),
        controller: { username: config.mqtt.username, password: controllerPassword },
        credentials: { checkDevice: (id, secret) => registry.checkDevice(id, secret) },
        onUplink: async (u) => {
          await ingest.accept(u);
        },
        logger: logger.child({ module: 'broker' }),
        clock,
      });
      const ports = await broker.start();
      const started = broker;
      stops.push(() => started.stop());
      mqttPort = ports.port;
      mqttsPort = ports.tlsPort;
      mqttUrl = `mqtt://127.0.0.1:${ports.port}`;
      logger.info({ port: ports.port, tlsPort: ports.tlsPort }, 'embedded MQTT broker listening');
    } else {
      const external = config.mqtt.external as { url: string; caFile?: string };
      mqttUrl = external.url;
      caFile = external.caFile;
    }

    const connection = new GatewayConnection({
      url: mqttUrl, site, username: config.mqtt.username, password: controllerPassword,
      clientId: config.mqtt.gatewayClientId, mode: config.mqtt.embedded === undefined ? 'external' : 'embedded',
      ingest: (u) => ingest.accept(u),
      onStatus: (s, at) => presence.status(s.deviceId, s.state, s.bootId, at),
      logger: logger.child({ module: 'gateway' }),
      clock,
      ...(caFile === undefined ? {} : { tls: { ca: readFileSync(caFile) } }),
    });
    // With the embedded broker, commands go straight into it: a door's answer skips two socket hops.
    const embeddedBroker = broker;
    const commands = new CommandPublisher({
      site, clock, publish: (t, p) => (embeddedBroker === undefined ? connection.publish(t, p) : embeddedBroker.publish(t, p)),
    });
    access = createAccessModule({
      building, sqlite: database.sqlite, audit, commands, clock, logger, isOnline: (id) => presence.isOnline(id), durability: walFsync,
    });
    const accessModule = access;
    access.service.onEvent((e) => hub.accessEvent(e));
    stops.push(() => accessModule.stop());
    live = createLiveBuilding({
      building, sqlite: database.sqlite, access, clock, logger, isOnline: (id) => presence.isOnline(id), cutoffAt: config.presenceCutoff,
      onThroughput: (meterId, bitsPerS, at) => hub.setThroughput(meterId, bitsPerS, at),
      onCheckedOut: () => hub.refreshOccupancy(),
    });
    live.desks.onChange((d) => hub.setDesk(d.deskId, {
      occupied: d.occupied, battery: d.battery, lowBattery: d.lowBattery, online: d.status !== 'offline',
    }, d.changedAt ?? clock()));
    const liveBuilding = live;
    liveBuilding.start();
    stops.push(() => liveBuilding.stop());
    await connection.start();
    stops.push(() => connection.stop());
    access.start();
    // Bookings open doors through access control's change path, and show on the live stream.
    const bookings = createBookingModule({
      building, sqlite: database.sqlite, audit, clock, logger, changed: () => accessModule.changed(), isOnline: (id) => presence.isOnline(id),
    });
    bookings.onEvent((e) => hub.bookingEvent(e));
    bookings.start();
    stops.push(() => bookings.stop());
    const billing = createBillingModule({ building, sqlite: database.sqlite, config, audit, clock, logger });
    billing.start();
    stops.push(() => billing.stop());

    const app = await buildHttpApp({
      logger: logger.child({ module: 'http' }),
      users, audit,
      readiness: async () => {
        const checks = { database: database.sqlite.open, broker: connection.connected };
        return { ready: Object.values(checks).every(Boolean), checks };
      },
      sessionTtlMs: config.http.sessionTtlMs,
      trustProxy: config.http.trustProxy,
      dashboardDir: DASHBOARD_DIR,
      plugins: [
        deviceRoutes({ registry, presence, site, listDeadLetters: (limit) => listDeadLetters(database.sqlite, limit) }),
        ...accessRoutes({ access, building, sqlite: database.sqlite, clock }),
        ...liveBuildingRoutes({ live: liveBuilding, access, building, sqlite: database.sqlite, clock, audit }),
        ...bookingsRoutes({ bookings, sqlite: database.sqlite, clock }),
        ...billingRoutes({ billing, sqlite: database.sqlite, timeZone: building.site.timeZone, clock }),
        liveRoutes({ hub, users }),
      ],
    });
    stops.push(() => app.close());
    hub.start();
    stops.push(() => hub.stop());
    await app.listen({ host: config.http.host, port: config.http.port });
    const address = app.server.address();
    const httpPort = typeof address === 'object' && address !== null ? address.port : config.http.port;
    const httpUrl = `http://127.0.0.1:${httpPort}`;
    logger.info({ httpUrl, mqttUrl, httpPort, mqttPort }, 'controller started');

    const running: RunningSystem = { httpUrl, mqttUrl, commands, access, live: liveBuilding, hub, bookings, billing, stop: stopAll };
    if (mqttPort !== undefined) running.mqttPort = mqttPort;
    if (mqttsPort !== undefined) running.mqttsPort = mqttsPort;
    if (firstAdmin.created && firstAdmin.generated) running.firstAdminPassword = firstAdmin.password;
    return running;
  } catch (err) {
    await stopAll();
    throw err;
  }
}
