import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { errorResponses } from '../../http/schemas.js';
import { BillingError } from '../errors.js';
import { InvoiceDtoSchema, toInvoiceDto } from '../render/dto.js';
import { addMonths, periodOf } from '../run/periods.js';
import type { AccountBill } from '../run/runner.js';
import { AccountKind, callerResolver, PeriodParam, strict, type BillingRoutesDeps } from './deps.js';

const Line = Type.Object({
  code: Type.String(), description: Type.String(), personId: Type.Union([Type.Integer(), Type.Null()]), quantity: Type.Number(), unit: Type.String(),
  unitPriceCents: Type.Integer(), amountCents: Type.Integer(), vatRateBp: Type.Integer(),
  evidence: Type.Array(Type.Object({ kind: Type.String(), id: Type.Integer() })),
});
const Bill = Type.Object({
  account: Type.Object({ kind: AccountKind, id: Type.Integer() }),
  lines: Type.Array(Line),
  totalHtCents: Type.Integer({ description: 'excluding VAT; VAT is computed per line at issue' }),
  warnings: Type.Array(Type.String()),
});
const RunSummary = Type.Object({
  runId: Type.Integer(), period: Type.String(), trigger: Type.String(), issued: Type.Integer(), alreadyIssued: Type.Integer(),
  nothingToBill: Type.Integer(), held: Type.Array(Type.String(), { description: 'accounts the tariff could not rate, left for the next run' }),
  warnings: Type.Array(Type.String()), ms: Type.Integer(),
});

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const RunRow = Type.Object({
  id: Type.Integer(), period: Type.String(), trigger: Type.String(), by: Type.String(), startedAt: Type.Integer(),
  finishedAt: Nullable(Type.Integer()), invoices: Type.Integer(), error: Nullable(Type.String()),
});

const toBill = (b: AccountBill) => ({ account: b.account, lines: b.lines, totalHtCents: b.lines.reduce((s, l) => s + l.amountCents, 0), warnings: b.warnings });

/** The monthly run: run or preview it (staff), and a member's preview of their current month. */
export function billingRunRoutes(deps: BillingRoutesDeps): FastifyPluginAsyncTypebox {
  const callerOf = callerResolver(deps.sqlite);
  const lastMonth = () => addMonths(periodOf(deps.clock(), deps.timeZone), -1);
  return async (app) => {
    const tags = ['billing'];
    app.post('/api/billing/runs', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Run the billing of a month now (default: the previous month); a repeat changes nothing',
        body: Type.Object({ period: Type.Optional(PeriodParam) }, strict),
        response: { 200: RunSummary, ...errorResponses },
      },
    }, async (req) => {
      const period = req.body.period ?? lastMonth();
      if (period >= periodOf(deps.clock(), deps.timeZone)) throw new BillingError(409, `${period} is not over yet: preview it instead`);
      return deps.billing.runner.runInSlices(period, 'manual', callerOf(req).username);
    });

    app.get('/api/billing/runs', {
      config: { roles: ROLES.staff },
      schema: { tags, summary: 'The billing runs, latest first', response: { 200: Type.Object({ runs: Type.Array(RunRow) }), ...errorResponses } },
    }, async () => ({
      runs: deps.sqlite.prepare(`SELECT id, period, trigger, by, started_at AS startedAt, finished_at AS finishedAt, invoices, error
        FROM billing_runs ORDER BY id DESC LIMIT 100`).all() as Array<Type.Static<typeof RunRow>>,
    }));

    app.get('/api/billing/preview', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'What a run of a month would bill (default: the current month so far), issuing nothing',
        querystring: Type.Object({ period: Type.Optional(PeriodParam), accountKind: Type.Optional(AccountKind), accountId: Type.Optional(Type.Integer({ minimum: 1 })) }, strict),
        response: { 200: Type.Object({ period: Type.String(), bills: Type.Array(Bill) }), ...errorResponses },
      },
    }, async (req) => {
      const { accountKind, accountId } = req.query;
      if ((accountKind === undefined) !== (accountId === undefined)) throw new BillingError(400, 'give accountKind and accountId together');
      const period = req.query.period ?? periodOf(deps.clock(), deps.timeZone);
      const account = accountKind === undefined ? undefined : { kind: accountKind, id: accountId as number };
      return { period, bills: deps.billing.runner.preview(period, account).map(toBill) };
    });

    app.get('/api/me/billing/preview', {
      config: { roles: ROLES.everyone },
      schema: {
        tags, summary: "My current month so far: the lines my usage would be billed (my own, on a company's account)",
        response: { 200: Type.Object({ period: Type.String(), bill: Type.Union([Bill, Type.Null()]) }), ...errorResponses },
      },
    }, async (req) => {
      const caller = callerOf(req);
      if (caller.account === null || caller.personId === null) throw new BillingError(403, 'your login is not linked to a person of the centre: ask a manager');
      const period = periodOf(deps.clock(), deps.timeZone);
      const bill = deps.billing.runner.preview(period, caller.account)[0];
      if (bill === undefined) return { period, bill: null };
      const own = caller.account.kind === 'company' ? { ...bill, lines: bill.lines.filter((l) => l.personId === caller.personId) } : bill;
      return { period, bill: toBill(own) };
    });

    app.get('/api/me/invoices', {
      config: { roles: ROLES.everyone },
      schema: { tags, summary: 'My invoices and credit notes (a person account)', response: { 200: Type.Object({ invoices: Type.Array(InvoiceDtoSchema) }), ...errorResponses } },
    }, async (req) => {
      const caller = callerOf(req);
      if (caller.personId === null) return { invoices: [] };
      return { invoices: deps.billing.ledger.reader.forAccount({ kind: 'person', id: caller.personId }).map(toInvoiceDto) };
    });
  };
}
