import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { errorResponses, Timestamp } from '../../http/schemas.js';
import { BillingError } from '../errors.js';
import { AccountKind, callerResolver, IdParams, strict, type BillingRoutesDeps } from './deps.js';

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Subscription = Type.Object({
  id: Type.Integer(), personId: Nullable(Type.Integer()), companyId: Nullable(Type.Integer()), planId: Type.String(),
  startsAt: Timestamp, endsAt: Nullable(Timestamp), createdBy: Type.String(), createdAt: Timestamp,
});
const Identity = Type.Object({
  legalName: Type.String({ minLength: 1, maxLength: 200 }),
  addressLines: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 3 }),
  postcode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  city: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
  siren: Type.Optional(Type.String({ maxLength: 20 })),
  siret: Type.Optional(Type.String({ maxLength: 20 })),
  vatNumber: Type.Optional(Type.String({ maxLength: 20 })),
  isBusiness: Type.Optional(Type.Boolean()),
}, strict);

/** What managers set up for billing: the tariff, who holds which plan, the buyers' identities. */
export function billingAdminRoutes(deps: BillingRoutesDeps): FastifyPluginAsyncTypebox {
  const callerOf = callerResolver(deps.sqlite);
  const { tariffs, subscriptions, accounts } = deps.billing;
  return async (app) => {
    const tags = ['billing'];
    app.get('/api/billing/tariff', {
      config: { roles: ROLES.everyone },
      schema: { tags, summary: 'The tariff in force (the file, or the one a manager saved)' },
    }, async () => ({ edited: tariffs.edited, tariff: tariffs.current() }));

    app.put('/api/billing/tariff', {
      config: { roles: ROLES.staff },
      schema: { tags, summary: 'Replace the tariff (validated like the file; its revision must go up)', body: Type.Object({ tariff: Type.Unknown() }, strict) },
    }, async (req) => ({ edited: true, tariff: tariffs.save(req.body.tariff, callerOf(req).username) }));

    app.get('/api/billing/subscriptions', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Plans held by people and companies',
        querystring: Type.Object({ personId: Type.Optional(Type.Integer({ minimum: 1 })), companyId: Type.Optional(Type.Integer({ minimum: 1 })) }, strict),
        response: { 200: Type.Object({ subscriptions: Type.Array(Subscription) }), ...errorResponses },
      },
    }, async (req) => ({ subscriptions: subscriptions.list(req.query) }));

    app.post('/api/billing/subscriptions', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Give a person or a company a plan from a date (fees are prorated by day)',
        body: Type.Object({
          personId: Type.Optional(Type.Integer({ minimum: 1 })), companyId: Type.Optional(Type.Integer({ minimum: 1 })),
          planId: Type.String({ minLength: 1, maxLength: 40 }), startsAt: Timestamp, endsAt: Type.Optional(Timestamp),
        }, strict),
        response: { 201: Subscription, ...errorResponses },
      },
    }, async (req, reply) => reply.code(201).send(subscriptions.create(req.body, callerOf(req).username)));

    app.post('/api/billing/subscriptions/:id/end', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'End a plan (a change of plan: end it, then give the new one)',
        params: IdParams, body: Type.Object({ endsAt: Timestamp }, strict), response: { 200: Subscription, ...errorResponses },
      },
    }, async (req) => subscriptions.end(req.params.id, req.body.endsAt, callerOf(req).username));

    app.put('/api/billing/accounts/:kind/:id', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: "A buyer's billing identity (address, SIREN/SIRET, VAT number); invoices keep the snapshot of their day",
        params: Type.Object({ kind: AccountKind, id: Type.Integer({ minimum: 1 }) }, strict), body: Identity,
      },
    }, async (req) => {
      const account = { kind: req.params.kind, id: req.params.id };
      const exists = deps.sqlite.prepare(`SELECT 1 FROM ${account.kind === 'person' ? 'people' : 'companies'} WHERE id = ?`).get(account.id);
      if (exists === undefined) throw new BillingError(404, `${account.kind} ${account.id} does not exist`);
      try {
        const saved = accounts.set({ account, ...req.body });
        req.log.info({ account, by: callerOf(req).username }, 'billing identity saved');
        return saved;
      } catch (err) {
        if (err instanceof RangeError) throw new BillingError(400, err.message);
        throw err;
      }
    });
  };
}
