import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { EpochMs, Nullable, WeeklySlots } from '../../access/routes/common.js';
import { localParts } from '../../access/local-time.js';
import { ROLES } from '../../auth/roles.js';
import { badRequest } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import { computeUtilisation, localIso, REPORT_WEEKDAYS, utilisationDefaults } from '../utilisation.js';
import type { LiveRoutesDeps } from './deps.js';
import { utilisationCsv } from './utilisation-csv.js';
import { utilisationReader } from './utilisation-data.js';

const Grid = <T extends Parameters<typeof Type.Array>[0]>(cell: T) =>
  Type.Array(Type.Array(cell, { minItems: 24, maxItems: 24 }), { minItems: 7, maxItems: 7, description: '[weekday, Monday first][hour 0–23], local time' });

const Report = Type.Object({
  from: EpochMs,
  to: EpochMs,
  timeZone: Type.String(),
  weekdays: Type.Array(Type.String()),
  openingHours: WeeklySlots,
  hours: Grid(Type.Integer({ description: 'How many times this local hour occurs in the period' })),
  zones: Type.Array(Type.Object({
    zoneId: Type.String(),
    name: Type.String(),
    capacity: Type.Integer(),
    heatmap: Grid(Nullable(Type.Number({ description: 'Average distinct people in the zone during that hour; null if it never occurs' }))),
    peak: Type.Object({ people: Type.Integer(), at: Nullable(EpochMs), atLocal: Nullable(Type.String()) }),
  })),
  desks: Type.Array(Type.Object({
    deskId: Type.String(),
    zoneId: Type.String(),
    kind: Type.String(),
    occupiedMs: Type.Integer({ description: 'Occupied during opening hours' }),
    openMs: Type.Integer({ description: 'Opening hours in the period' }),
    utilisation: Nullable(Type.Number({ description: 'occupiedMs / openMs' })),
  })),
});

/** The utilisation report: occupancy heatmaps, peaks and desk utilisation, as JSON or CSV. */
export function utilisationRoutes(deps: LiveRoutesDeps): FastifyPluginAsyncTypebox {
  const read = utilisationReader(deps.sqlite);
  const { building } = deps;
  const timeZone = building.site.timeZone;
  const names = new Map(building.zones.map((z) => [z.id, z.name]));
  return async (app) => {
    app.get('/api/reports/utilisation', {
      config: { roles: ROLES.staff },
      schema: {
        tags: ['reports'], summary: 'Zone occupancy by weekday and hour, peaks, and desk utilisation over a period',
        description: 'A zone\'s occupancy in an hour is the number of distinct people whose passages put it in the zone (or a zone inside it) '
          + 'during that hour, within their presence sessions; each cell averages it over the period. Desk utilisation is the share of the '
          + 'opening hours the desk\'s sensor said occupied. The period stops at now. `format=csv` answers one CSV table (text/csv).',
        querystring: Type.Object({
          from: EpochMs,
          to: EpochMs,
          format: Type.Optional(Type.Enum(['json', 'csv'], { default: 'json' })),
        }),
        response: {
          200: { description: 'The report', content: { 'application/json': { schema: Report }, 'text/csv': { schema: Type.String() } } },
          ...errorResponses,
        },
      },
    }, async (req, reply) => {
      const now = deps.clock();
      const from = req.query.from;
      const to = Math.min(req.query.to, now);
      if (req.query.to <= from) throw badRequest('querystring.to must be after querystring.from');
      if (req.query.to - from > utilisationDefaults.maxPeriodMs) throw badRequest('the period may not exceed 400 days');
      const report = computeUtilisation({
        from, to: Math.max(from, to), now, timeZone, openingHours: utilisationDefaults.openingHours,
        zones: building.zones, desks: building.desks, ...read(from, Math.max(from, to)),
      });
      if (req.query.format === 'csv') {
        const name = `utilisation-${localParts(from, timeZone).date}-${localParts(Math.max(from, to - 1), timeZone).date}.csv`;
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(utilisationCsv(report));
      }
      return {
        ...report,
        weekdays: [...REPORT_WEEKDAYS],
        openingHours: utilisationDefaults.openingHours,
        zones: report.zones.map((z) => ({
          ...z, name: names.get(z.zoneId) ?? z.zoneId, peak: { ...z.peak, atLocal: z.peak.at === null ? null : localIso(z.peak.at, timeZone) },
        })),
      };
    });
  };
}
