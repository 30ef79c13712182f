/** Network fair use: a person's bytes in the month against their plans' allowance, billed per started MB beyond it. */
import type { Evidence } from '../lines.js';
import type { Plan } from '../tariff/schema.js';
import { dayIndex } from './calendar.js';
import { BYTES_PER_GB, BYTES_PER_MB, DASH, push, type Ctx } from './context.js';
import { divRound, frNumber } from './money.js';
import type { NetworkRecord, PersonRecord } from './types.js';

export function rateNetwork(ctx: Ctx, person: PersonRecord, who: string, dayPlans: readonly Plan[], network: readonly NetworkRecord[], earlier: number): void {
  if (network.length === 0) return;
  const { cal, rated } = ctx;
  let paidBytes = 0;
  let fundedBytes = 0;
  const paidEv: Evidence[] = [];
  const fundedEv: Evidence[] = [];
  for (const n of network) {
    if (n.hourStart < cal.start || n.hourStart >= cal.end) continue;
    rated.netHourlyIds.push(n.id);
    const mode = (dayPlans[dayIndex(cal, n.hourStart)] as Plan).billing;
    if (mode === 'none' || n.bytes <= 0) continue;
    const ev: Evidence = { kind: n.span === 'day' ? 'net_daily' : 'net_hourly', id: n.id };
    if (mode === 'funded') { fundedBytes += n.bytes; fundedEv.push(ev); }
    else { paidBytes += n.bytes; paidEv.push(ev); }
  }
  const gb = (bytes: number) => frNumber(Math.ceil(bytes / BYTES_PER_MB) / 1000);
  if (paidBytes > 0) {
    let allowanceSum = 0; // GB × days
    for (const plan of dayPlans) if (plan.billing === 'monthly' || plan.billing === 'pay-as-you-go') allowanceSum += plan.networkAllowanceGB;
    const allowance = Math.floor((allowanceSum * BYTES_PER_GB) / cal.days);
    const overMb = (bytes: number) => Math.ceil(Math.max(0, bytes - allowance) / BYTES_PER_MB);
    const mb = overMb(earlier + paidBytes) - overMb(earlier);
    if (mb > 0) {
      const price = ctx.tariff.network.overageCentsPerGB;
      const used = ctx.late
        ? `${gb(paidBytes)} Go reçus après facturation, ${gb(earlier + paidBytes)} Go au total`
        : `${gb(paidBytes)} Go consommés`;
      push(ctx, {
        code: ctx.late ? 'regularisation:network-overage' : 'network-overage',
        description: `${who}${ctx.latePrefix}Réseau au-delà de l'usage inclus${DASH}${frNumber(mb / 1000)} Go (${used}, ${frNumber(allowance / BYTES_PER_GB)} Go inclus)`,
        personId: person.personId,
        quantity: mb / 1000,
        unit: 'GB',
        unitPriceCents: price,
        amountCents: divRound(mb * price, 1000),
        evidence: paidEv,
      });
    }
  }
  if (fundedBytes > 0) {
    const q = Math.ceil(fundedBytes / BYTES_PER_MB) / 1000;
    push(ctx, {
      code: 'funded',
      description: `${who}${ctx.latePrefix}Réseau, formation financée${DASH}${gb(fundedBytes)} Go consommés`,
      personId: person.personId, quantity: q, unit: 'GB', unitPriceCents: 0, amountCents: 0, evidence: fundedEv,
    }, true);
  }
}
