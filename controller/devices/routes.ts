import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { DEVICE_ID_PATTERN } from '../../gateway/protocol/topics.js';
import { ROLES } from '../auth/roles.js';
import type { DeviceRegistry } from './registry.js';
import type { DevicePresence } from './presence.js';

const DeviceId = Type.String({ pattern: DEVICE_ID_PATTERN, description: 'Device id: its MQTT client id and username' });
const Device = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('reader'), Type.Literal('desk'), Type.Literal('meter')]),
  provisioned: Type.Boolean(),
  disabled: Type.Boolean(),
  online: Type.Boolean(),
  bootId: Type.Union([Type.String(), Type.Null()]),
  lastSeenAt: Type.Union([Type.Integer(), Type.Null()]),
  provisionedAt: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.Integer(),
});
const Credentials = Type.Object({
  deviceId: Type.String(),
  clientId: Type.String(),
  username: Type.String(),
  password: Type.String({ description: 'Shown once; only its hash is kept' }),
  site: Type.String(),
  uplinkTopicPrefix: Type.String(),
  statusTopic: Type.String(),
  downlinkFilter: Type.String(),
});
const Params = Type.Object({ id: DeviceId });
const DeadLetter = Type.Object({
  id: Type.Integer(), deviceId: Type.Union([Type.String(), Type.Null()]), topic: Type.String(),
  reason: Type.String(), payload: Type.String(), receivedAt: Type.Integer(),
});

export interface DeviceRoutesDeps {
  registry: DeviceRegistry;
  presence: DevicePresence;
  site: string;
  listDeadLetters: (limit: number) => Array<{ id: number; deviceId: string | null; topic: string; reason: string; payload: string; receivedAt: number }>;
}

/** Devices: list, register, provision (secret shown once), rotate, disable (disconnected at once). */
export function deviceRoutes(deps: DeviceRoutesDeps): FastifyPluginAsyncTypebox {
  const { registry, site } = deps;
  const withPresence = <T extends { id: string; online: boolean }>(d: T): T => ({ ...d, online: deps.presence.isOnline(d.id) });
  const credentials = (deviceId: string, password: string) => ({
    deviceId, clientId: deviceId, username: deviceId, password, site,
    uplinkTopicPrefix: `mf/v1/${site}/${deviceId}/up/`,
    statusTopic: `mf/v1/${site}/${deviceId}/status`,
    downlinkFilter: `mf/v1/${site}/${deviceId}/down/+`,
  });
  return async (app) => {
    const tags = ['devices'];
    app.get('/api/devices', {
      config: { roles: ROLES.staff },
      schema: { tags, summary: 'List devices with their presence', response: { 200: Type.Array(Device) } },
    }, async () => registry.list().map(withPresence));

    app.get('/api/devices/:id', {
      config: { roles: ROLES.staff },
      schema: { tags, params: Params, response: { 200: Device } },
    }, async (req) => withPresence(registry.get(req.params.id)));

    app.post('/api/devices', {
      config: { roles: ROLES.admin },
      schema: {
        tags, summary: 'Register a device that the building file does not list',
        body: Type.Object({ id: DeviceId, kind: Type.Union([Type.Literal('reader'), Type.Literal('desk'), Type.Literal('meter')]) }, { additionalProperties: false }),
        response: { 201: Device },
      },
    }, async (req, reply) => reply.code(201).send(registry.register(req.body.id, req.body.kind, req.user?.username ?? 'unknown')));

    app.post('/api/devices/:id/provision', {
      config: { roles: ROLES.admin },
      schema: { tags, summary: 'Give a device its MQTT credentials (shown once)', params: Params, response: { 200: Credentials } },
    }, async (req) => credentials(req.params.id, registry.provision(req.params.id, req.user?.username ?? 'unknown')));

    app.post('/api/devices/:id/rotate-secret', {
      config: { roles: ROLES.admin },
      schema: { tags, summary: 'Replace the secret; the device is disconnected', params: Params, response: { 200: Credentials } },
    }, async (req) => credentials(req.params.id, registry.rotate(req.params.id, req.user?.username ?? 'unknown')));

    app.post('/api/devices/:id/disable', {
      config: { roles: ROLES.admin },
      schema: { tags, summary: 'Refuse the device from now on and disconnect it', params: Params, response: { 200: Device } },
    }, async (req) => withPresence(registry.setDisabled(req.params.id, true, req.user?.username ?? 'unknown')));

    app.post('/api/devices/:id/enable', {
      config: { roles: ROLES.admin },
      schema: { tags, params: Params, response: { 200: Device } },
    }, async (req) => withPresence(registry.setDisabled(req.params.id, false, req.user?.username ?? 'unknown')));

    app.get('/api/dead-letters', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Uplinks that were rejected, newest first',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
        response: { 200: Type.Array(DeadLetter) },
      },
    }, async (req) => deps.listDeadLetters(req.query.limit));
  };
}
