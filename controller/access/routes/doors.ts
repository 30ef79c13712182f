import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { badRequest, notFound } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import type { WeeklySlot as Slot } from '../model.js';
import { actor, EpochMs, Nullable, PlaceId, statements, strict, WeeklySlot, WeeklySlots } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

export const doorRouteDefaults = {
  unlockS: 10, // 10 s of released lock for a remote unlock
  maxUnlockS: 3_600, // 1 h at most
};

const MODES = ['normal', 'unlocked', 'locked'] as const;
const CONTACT_STATES = ['open', 'closed', 'forced', 'held'] as const;
const Policy = Type.Object({
  mode: Type.Enum(MODES, { description: 'normal: badges decide; unlocked: free passage; locked: every badge refused (egress still opens)' }),
  unlockSlots: Type.Array(WeeklySlot, { description: 'Unlocked for everyone during these slots (public opening hours)' }),
  updatedBy: Nullable(Type.String()),
  updatedAt: Nullable(EpochMs),
});
type Policy = Static<typeof Policy>;
const Door = Type.Object({
  id: Type.String(),
  name: Type.String(),
  from: Type.String(),
  to: Type.String(),
  failMode: Type.String(),
  heldOpenLimitS: Type.Integer(),
  pinRequired: Type.Boolean(),
  readers: Type.Array(Type.Object({
    deviceId: Type.String(),
    side: Type.String(),
    allowlistVersion: Type.Integer({ description: 'Version of the allow-list last sent to the reader' }),
  })),
  policy: Policy,
  contact: Nullable(Type.Object({ state: Type.Enum(CONTACT_STATES), at: EpochMs }, {
    description: 'The last contact report since the controller started; null when none came',
  })),
});
const DoorParams = Type.Object({ id: PlaceId });

/** Doors: their policy (normal, unlocked, locked, unlock slots), their contact, remote unlocks. */
export function doorRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  const doors = new Map(deps.building.doors.map((d) => [d.id, d]));
  // The door monitor keeps contacts private; its events are the cheap way to know them.
  const contacts = new Map<string, { state: (typeof CONTACT_STATES)[number]; at: number }>();
  deps.access.service.onEvent((e) => {
    if (e.type === 'door') contacts.set(e.doorId, { state: e.state, at: e.at });
  });
  const door = (id: string) => {
    const d = doors.get(id);
    if (d === undefined) throw notFound(`door "${id}" does not exist`);
    return d;
  };
  const policy = (doorId: string): Policy => {
    const row = sql(`SELECT mode, unlock_slots AS unlockSlots, updated_by AS updatedBy, updated_at AS updatedAt
      FROM door_policies WHERE door_id = ?`).get(doorId) as (Omit<Policy, 'unlockSlots'> & { unlockSlots: string }) | undefined;
    if (row === undefined) return { mode: 'normal', unlockSlots: [], updatedBy: null, updatedAt: null };
    return { ...row, unlockSlots: JSON.parse(row.unlockSlots) as Slot[] };
  };
  const view = (id: string): Static<typeof Door> => {
    const d = door(id);
    return {
      id: d.id, name: d.name, from: d.from, to: d.to, failMode: d.failMode, heldOpenLimitS: d.heldOpenLimitS, pinRequired: d.pinRequired ?? false,
      readers: d.readers.map((r) => ({ ...r, allowlistVersion: deps.access.allowlists.version(r.deviceId) })),
      policy: policy(d.id),
      contact: contacts.get(d.id) ?? null,
    };
  };

  return async (app) => {
    const tags = ['doors'];
    app.get('/api/doors', {
      config: { roles: ROLES.staff },
      schema: { tags, summary: 'The doors of the building with their policy, readers and contact', response: { 200: Type.Array(Door), ...errorResponses } },
    }, async () => [...doors.keys()].map(view));

    app.put('/api/doors/:id/policy', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: "Set a door's mode, and optionally its unlock slots",
        description: 'Without unlockSlots the door keeps the slots it has.',
        params: DoorParams,
        body: Type.Object({ mode: Type.Enum(MODES), unlockSlots: Type.Optional(WeeklySlots) }, strict),
        response: { 200: Door, ...errorResponses },
      },
    }, async (req) => {
      door(req.params.id);
      deps.access.rules.setDoorPolicy(req.params.id, req.body.mode, req.body.unlockSlots, actor(req));
      return view(req.params.id);
    });

    app.post('/api/doors/:id/unlock', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Unlock a door from afar: recorded with who and why',
        description: 'The readers release the lock for durationS; the decision log gets a remote grant naming the caller and the reason.',
        params: DoorParams,
        body: Type.Object({
          reason: Type.String({ minLength: 3, maxLength: 200, description: 'Why: kept in the access log' }),
          durationS: Type.Optional(Type.Integer({ minimum: 1, maximum: doorRouteDefaults.maxUnlockS, default: doorRouteDefaults.unlockS })),
        }, strict),
        response: {
          200: Type.Object({ doorId: Type.String(), by: Type.String(), reason: Type.String(), at: EpochMs, until: EpochMs }),
          ...errorResponses,
        },
      },
    }, async (req, reply) => {
      door(req.params.id);
      const reason = req.body.reason.trim();
      if (reason.length < 3) throw badRequest('body.reason must have at least 3 characters besides spaces');
      const by = actor(req);
      const durationMs = (req.body.durationS ?? doorRouteDefaults.unlockS) * 1000;
      const at = deps.clock();
      await deps.access.service.remoteUnlock(req.params.id, by, reason, durationMs);
      return reply.code(200).send({ doorId: req.params.id, by, reason, at, until: at + durationMs });
    });
  };
}
