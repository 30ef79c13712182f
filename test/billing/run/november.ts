/**
 * A simulated November 2026 of the Ménil-Flin building, and its invoices computed by hand.
 *
 * November 2026 has 30 days, all in winter time (CET, UTC+01:00); 1 November is a Sunday. The
 * prices are the defaults of controller/billing/tariff/menil-flin-tariff.json and the rules those
 * of docs/billing-rating.md:
 *   pay-as-you-go 3,00 € an hour in 15-minute blocks (0,75 € a block), a day counts from 30 min,
 *   day pass 15,00 €, 10-day card 120,00 €, month capped at the hot-desk fee 180,00 €;
 *   hot desk 180,00 € (4 h of rooms, 100 GB), fixed desk 250,00 € (8 h, 200 GB),
 *   office-1 450,00 € (4 h and 200 GB a person); nomad 20 GB;
 *   rooms an hour: Baccarat 30,00 €, Lunéville 25,00 €, Vezouze 20,00 €, booths 5,00 €;
 *   network 0,50 € a GB beyond the allowance, per started MB;
 *   VAT 20 % per line, round(amount × 0.2) half away from zero.
 */
import type { AccountRef } from '../../../controller/billing/ledger/index.js';
import {
  bookingsEv, NBSP, netEv, sessionsEv, subEv, type Builders, type ExpectedLine,
} from './helpers.js';

const dd = (d: number) => String(d).padStart(2, '0');
/** A November 2026 instant, local time (CET, +01:00). */
export const nov = (d: number, hhmm: string) => `2026-11-${dd(d)}T${hhmm}:00+01:00`;
/** A December 2026 instant, local time (CET, +01:00). */
export const dec = (d: number, hhmm: string) => `2026-12-${dd(d)}T${hhmm}:00+01:00`;

const GB = 1_000_000_000;

export interface ExpectedInvoice {
  who: string;
  account: AccountRef;
  lines: ExpectedLine[];
  ht: number;
  vat: number;
  ttc: number;
}

/** A priced line at 20 % VAT; quantity in thousandths. */
const priced = (l: Omit<ExpectedLine, 'vatRateBp'>): ExpectedLine => ({ ...l, vatRateBp: 2000 });
/** A funded line: listed, not priced (VAT rate 0). */
const funded = (l: Omit<ExpectedLine, 'vatRateBp' | 'vatCents' | 'unitPriceCents' | 'amountCents' | 'code'>): ExpectedLine =>
  ({ ...l, code: 'funded', unitPriceCents: 0, amountCents: 0, vatRateBp: 0, vatCents: 0 });

/** Seeds November (and the records of the months around it that November must ignore); returns the ids and the invoices by hand. */
export function seedNovember(b: Builders) {
  // ── People ────────────────────────────────────────────────────────────────────────────────
  const nina = b.person('member', 'Nina Petit'); // nomad: a few days of each kind
  const carl = b.person('member', 'Carl Moreau'); // nomad: a 10-day card
  const chloe = b.person('member', 'Chloé Girard'); // nomad: the cap
  const hugo = b.person('member', 'Hugo Bernard'); // hot desk: rooms beyond the included hours, network overage
  const marie = b.person('member', 'Marie Dubois'); // hot desk → fixed desk on the 11th
  const company = b.company('Atelier Vezouze SARL'); // office-1 for its two residents
  const remi = b.person('resident', 'Rémi Colin', company);
  const rose = b.person('resident', 'Rose Lambert', company);
  const theo = b.person('trainee', 'Théo Roux'); // funded
  const sam = b.person('staff', 'Sam Leroy'); // never billed
  const quentin = b.person('member', 'Quentin Faure'); // a quick visit and some network: nothing to bill

  // ── Nina, nomad (no subscription: the default plan of a member) ─────────────────────────────
  const n = {
    short: b.session(nina, nov(2, '09:00'), nov(2, '09:20')), // 20 min < 30 min minimum: not billed
    long: b.session(nina, nov(3, '09:00'), nov(3, '17:30')), // 8,5 h = 34 blocks = 25,50 € > 15,00 €: a day pass
    tue: b.session(nina, nov(4, '14:00'), nov(4, '15:10')), // with the desk below: 14:00–16:00 merged
    desk: b.booking({ personId: nina, resourceId: 'desk-h1', zoneId: 'coworking', from: nov(4, '14:30'), to: nov(4, '16:00') }),
    visit1: b.session(nina, nov(5, '10:00'), nov(5, '10:20')), // two 20-min visits the same day:
    visit2: b.session(nina, nov(5, '16:00'), nov(5, '16:20')), // 40 min = 3 blocks
    night: b.session(nina, nov(6, '22:00'), nov(7, '00:45')), // crosses midnight: 2 h on the 6th, 45 min on the 7th
    monthEnd: b.session(nina, nov(30, '20:00'), dec(1, '01:30')), // 4 h in November, 1,5 h in December
  };
  // Days: 3rd pass 15,00; 4th 2 h = 8 blocks 6,00; 5th 3 blocks 2,25; 6th 8 blocks 6,00; 7th 3 blocks 2,25;
  // 30th 4 h = 16 blocks 12,00 (< 15,00: by the block). 6 days: a card (120,00 €) is dearer than all of them.
  // Hours: 8 + 3 + 8 + 3 + 16 = 38 blocks = 9,5 h × 3,00 = 28,50 €.
  // HT 15,00 + 28,50 = 43,50 €; VAT 3,00 + 5,70 = 8,70 €; TTC 52,20 €.
  const ninaInvoice: ExpectedInvoice = {
    who: 'Nina', account: { kind: 'person', id: nina }, ht: 4350, vat: 870, ttc: 5220,
    lines: [
      priced({ code: 'day-pass', description: 'Pass journée × 1', personId: nina, quantityMilli: 1000, unit: 'day',
        unitPriceCents: 1500, amountCents: 1500, vatCents: 300, evidence: sessionsEv(n.long) }),
      priced({ code: 'hourly', description: 'Heures (blocs de 15 min) × 9,5 h (5 jours)', personId: nina, quantityMilli: 9500, unit: 'hour',
        unitPriceCents: 300, amountCents: 2850, vatCents: 570,
        evidence: [...sessionsEv(n.tue, n.visit1, n.visit2, n.night, n.monthEnd), ...bookingsEv(n.desk)] }),
    ],
  };

  // ── Carl, nomad: 12 full days and a short one ───────────────────────────────────────────────
  const carlDays = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17].map((d) => b.session(carl, nov(d, '09:00'), nov(d, '17:00')));
  const carlShort = b.session(carl, nov(18, '10:00'), nov(18, '12:00'));
  // 12 days at 15,00 (8 h = 32 blocks = 24,00 > 15,00) + 2 h (8 blocks = 6,00).
  // No card: 12 × 15 + 6 = 186,00; one card on the 10 dearest days (all 15,00; ties: the earliest, 2nd–13th):
  // 120 + 2 × 15 + 6 = 156,00; two cards: 240,00. Best 156,00 < cap 180,00.
  // HT 120,00 + 30,00 + 6,00 = 156,00 €; VAT 24,00 + 6,00 + 1,20 = 31,20 €; TTC 187,20 €.
  const carlInvoice: ExpectedInvoice = {
    who: 'Carl', account: { kind: 'person', id: carl }, ht: 15600, vat: 3120, ttc: 18720,
    lines: [
      priced({ code: 'ten-day-card', description: 'Carte 10 jours × 1 (10 jours de présence couverts)', personId: carl, quantityMilli: 1000,
        unit: 'card', unitPriceCents: 12000, amountCents: 12000, vatCents: 2400, evidence: sessionsEv(...carlDays.slice(0, 10)) }),
      priced({ code: 'day-pass', description: 'Pass journée × 2', personId: carl, quantityMilli: 2000, unit: 'day',
        unitPriceCents: 1500, amountCents: 3000, vatCents: 600, evidence: sessionsEv(...carlDays.slice(10)) }),
      priced({ code: 'hourly', description: 'Heures (blocs de 15 min) × 2 h (1 jour)', personId: carl, quantityMilli: 2000, unit: 'hour',
        unitPriceCents: 300, amountCents: 600, vatCents: 120, evidence: sessionsEv(carlShort) }),
    ],
  };

  // ── Chloé, nomad: 20 working days ───────────────────────────────────────────────────────────
  const chloeDays = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27]
    .map((d) => b.session(chloe, nov(d, '09:00'), nov(d, '18:00')));
  // 20 days at 15,00: no card 300,00; one card 120 + 150 = 270,00; two cards 240,00 (best) > 180,00:
  // capped at the hot-desk fee, a whole month pay-as-you-go (no subscription): 1 month × 180,00 €.
  // HT 180,00 €; VAT 36,00 €; TTC 216,00 €.
  const chloeInvoice: ExpectedInvoice = {
    who: 'Chloé', account: { kind: 'person', id: chloe }, ht: 18000, vat: 3600, ttc: 21600,
    lines: [
      priced({ code: 'payg-capped', personId: chloe, quantityMilli: 1000, unit: 'month', unitPriceCents: 18000, amountCents: 18000, vatCents: 3600,
        description: `Accès à l'usage plafonné au prix de l'abonnement « Forfait coworking, poste libre » — 20 jours de présence : Carte 10 jours × 2 = 240,00${NBSP}€ HT avant plafond`,
        evidence: sessionsEv(...chloeDays) }),
    ],
  };

  // ── Hugo, hot desk since 1 October ──────────────────────────────────────────────────────────
  const hugoSub = b.subscription({ personId: hugo, planId: 'hot-desk', from: '2026-10-01T00:00:00+02:00' });
  b.session(hugo, nov(9, '09:00'), nov(9, '18:00')); // included in the plan: no line
  b.session(hugo, nov(10, '09:00'), nov(10, '18:00'));
  const h = {
    baccarat: b.booking({ personId: hugo, resourceId: 'room-baccarat', from: nov(10, '10:00'), to: nov(10, '13:00') }), // 3 h = 12 blocks
    luneville: b.booking({ personId: hugo, resourceId: 'room-luneville', from: nov(12, '14:00'), to: nov(12, '15:50') }), // 110 min → 8 blocks = 2 h
    noShow: b.booking({ personId: hugo, resourceId: 'room-baccarat', from: nov(19, '09:00'), to: nov(19, '11:00'), status: 'released', releasedAt: nov(19, '09:20') }), // 20 min → 2 blocks
    cancelled: b.booking({ personId: hugo, resourceId: 'room-vezouze', from: nov(20, '10:00'), to: nov(20, '12:00'), status: 'cancelled' }),
    // Network: 50 + 50 + 2,345678901 = 102,345678901 GB.
    net1: b.net(hugo, nov(9, '10:00'), 40 * GB, 10 * GB),
    net2: b.net(hugo, nov(10, '10:00'), 45 * GB, 5 * GB),
    net3: b.net(hugo, nov(12, '15:00'), 2_000_000_000, 345_678_901),
  };
  // A maintenance block of Baccarat by staff: nobody's usage.
  b.booking({ personId: null, resourceId: 'room-baccarat', kind: 'block', from: nov(24, '08:00'), to: nov(24, '18:00') });
  // Included: 4 h = 16 blocks, used in booking order: Baccarat 10th 12 (4 left), Lunéville 12th 8 (4 included, 4 paid),
  // Baccarat 19th 2 (paid). The cancelled Vezouze booking: nothing.
  // Baccarat: 14 blocks = 3,5 h, 12 included = 3 h, 2 paid = 0,5 h × 30,00 = 15,00 €.
  // Lunéville: 8 blocks = 2 h, 1 h included, 1 h × 25,00 = 25,00 €.
  // Network: 102 345 678 901 − 100 000 000 000 = 2 345 678 901 bytes → 2 346 started MB = 2,346 GB × 0,50 = 1,173 → 1,17 €.
  // HT 180,00 + 15,00 + 25,00 + 1,17 = 221,17 €; VAT 36,00 + 3,00 + 5,00 + 0,23 (0,234) = 44,23 €; TTC 265,40 €.
  const hugoInvoice: ExpectedInvoice = {
    who: 'Hugo', account: { kind: 'person', id: hugo }, ht: 22117, vat: 4423, ttc: 26540,
    lines: [
      priced({ code: 'plan:hot-desk', description: 'Forfait coworking, poste libre — novembre 2026', personId: hugo, quantityMilli: 1000, unit: 'month',
        unitPriceCents: 18000, amountCents: 18000, vatCents: 3600, evidence: subEv(hugoSub) }),
      priced({ code: 'room-hours', description: 'Salle Baccarat — 3,5 h réservées, dont 3 h incluses dans le forfait', personId: hugo, quantityMilli: 500,
        unit: 'hour', unitPriceCents: 3000, amountCents: 1500, vatCents: 300, evidence: bookingsEv(h.baccarat, h.noShow) }),
      priced({ code: 'room-hours', description: 'Salle Lunéville — 2 h réservées, dont 1 h incluse dans le forfait', personId: hugo, quantityMilli: 1000,
        unit: 'hour', unitPriceCents: 2500, amountCents: 2500, vatCents: 500, evidence: bookingsEv(h.luneville) }),
      priced({ code: 'network-overage', description: "Réseau au-delà de l'usage inclus — 2,346 Go (102,346 Go consommés, 100 Go inclus)", personId: hugo,
        quantityMilli: 2346, unit: 'GB', unitPriceCents: 50, amountCents: 117, vatCents: 23, evidence: netEv(h.net1, h.net2, h.net3) }),
    ],
  };

  // ── Marie: hot desk until 11 November 14:00, fixed desk from then ──────────────────────────
  const marieHot = b.subscription({ personId: marie, planId: 'hot-desk', from: '2026-10-01T00:00:00+02:00', until: nov(11, '14:00') });
  const marieFixed = b.subscription({ personId: marie, planId: 'fixed-desk', from: nov(11, '14:00') });
  b.session(marie, nov(11, '09:00'), nov(11, '18:00'));
  const marieVezouze = b.booking({ personId: marie, resourceId: 'room-vezouze', from: nov(25, '09:00'), to: nov(25, '17:00') }); // 8 h = 32 blocks
  const marieNet1 = b.net(marie, nov(16, '10:00'), 60 * GB, 40 * GB);
  const marieNet2 = b.net(marie, nov(17, '10:00'), 67 * GB);
  // Like hotel nights, the change on the 11th bills the hot desk from the 1st to the 10th (10 days) and the fixed desk
  // from the 11th to the 30th (20 days):
  //   hot desk: q = 10/30 = 0,333 → round(0,333 × 180,00) = 59,94 €; fixed desk: q = 20/30 = 0,667 → round(0,667 × 250,00) = 166,75 €.
  // Included room hours: (10 days × 16 blocks + 20 days × 32 blocks) / 30 = 800/30 = 26,67 → 26 blocks = 6,5 h;
  //   Vezouze 8 h, 6,5 h included, 1,5 h × 20,00 = 30,00 €.
  // Network allowance: (10 × 100 + 20 × 200) / 30 = 166,666666666 GB (166 666 666 666 bytes);
  //   167 GB − that = 333 333 334 bytes → 334 MB = 0,334 GB × 0,50 = 0,167 → 0,17 €.
  // HT 59,94 + 166,75 + 30,00 + 0,17 = 256,86 €; VAT 11,99 (11,988) + 33,35 + 6,00 + 0,03 (0,034) = 51,37 €; TTC 308,23 €.
  const marieInvoice: ExpectedInvoice = {
    who: 'Marie', account: { kind: 'person', id: marie }, ht: 25686, vat: 5137, ttc: 30823,
    lines: [
      priced({ code: 'plan:hot-desk', description: 'Forfait coworking, poste libre — du 1er au 10 novembre 2026 (10 j sur 30)', personId: marie,
        quantityMilli: 333, unit: 'month', unitPriceCents: 18000, amountCents: 5994, vatCents: 1199, evidence: subEv(marieHot) }),
      priced({ code: 'plan:fixed-desk', description: 'Forfait poste fixe — du 11 au 30 novembre 2026 (20 j sur 30)', personId: marie,
        quantityMilli: 667, unit: 'month', unitPriceCents: 25000, amountCents: 16675, vatCents: 3335, evidence: subEv(marieFixed) }),
      priced({ code: 'room-hours', description: 'Salle Vezouze — 8 h réservées, dont 6,5 h incluses dans le forfait', personId: marie,
        quantityMilli: 1500, unit: 'hour', unitPriceCents: 2000, amountCents: 3000, vatCents: 600, evidence: bookingsEv(marieVezouze) }),
      priced({ code: 'network-overage', description: "Réseau au-delà de l'usage inclus — 0,334 Go (167 Go consommés, 166,667 Go inclus)", personId: marie,
        quantityMilli: 334, unit: 'GB', unitPriceCents: 50, amountCents: 17, vatCents: 3, evidence: netEv(marieNet1, marieNet2) }),
    ],
  };

  // ── Atelier Vezouze SARL: office-1 since September, two residents ─────────────────────────────
  const office = b.subscription({ companyId: company, planId: 'office-1', from: '2026-09-01T00:00:00+02:00' });
  b.session(remi, nov(16, '08:30'), nov(16, '19:00')); // included by the office
  b.session(rose, nov(17, '09:00'), nov(17, '19:30'));
  const remiLuneville = b.booking({ personId: remi, resourceId: 'room-luneville', from: nov(17, '09:00'), to: nov(17, '11:00') }); // 2 h, all included
  const roseBaccarat = b.booking({ personId: rose, resourceId: 'room-baccarat', from: nov(17, '14:00'), to: nov(17, '19:00') }); // 5 h, 4 included
  b.net(remi, nov(16, '10:00'), 150 * GB); // under the office's 200 GB a person
  b.netZone('office-1', nov(16, '10:00'), 500 * GB); // the office's own ports: not billed
  // Office 450,00 €; Rémi: Lunéville 2 h all included: a line at 0 h; Rose: Baccarat 5 h, 4 h included, 1 h × 30,00 = 30,00 €.
  // HT 480,00 €; VAT 90,00 + 0 + 6,00 = 96,00 €; TTC 576,00 €. A business buyer: the 40 € recovery indemnity.
  const companyInvoice: ExpectedInvoice = {
    who: 'Atelier Vezouze', account: { kind: 'company', id: company }, ht: 48000, vat: 9600, ttc: 57600,
    lines: [
      priced({ code: 'plan:office-1', description: 'Bureau privé 1 (2 postes) — novembre 2026', personId: null, quantityMilli: 1000, unit: 'month',
        unitPriceCents: 45000, amountCents: 45000, vatCents: 9000, evidence: subEv(office) }),
      priced({ code: 'room-hours', description: 'Rémi Colin — Salle Lunéville — 2 h réservées, dont 2 h incluses dans le forfait', personId: remi,
        quantityMilli: 0, unit: 'hour', unitPriceCents: 2500, amountCents: 0, vatCents: 0, evidence: bookingsEv(remiLuneville) }),
      priced({ code: 'room-hours', description: 'Rose Lambert — Salle Baccarat — 5 h réservées, dont 4 h incluses dans le forfait', personId: rose,
        quantityMilli: 1000, unit: 'hour', unitPriceCents: 3000, amountCents: 3000, vatCents: 600, evidence: bookingsEv(roseBaccarat) }),
    ],
  };

  // ── Théo, trainee (funded) ──────────────────────────────────────────────────────────────────
  const t1 = b.session(theo, nov(9, '09:00'), nov(9, '12:10')); // 3 h 10 → 13 blocks
  const t2 = b.session(theo, nov(10, '09:00'), nov(10, '09:20')); // 20 min → 2 blocks (no minimum for funded days)
  const theoBooth = b.booking({ personId: theo, resourceId: 'booth-1', from: nov(9, '13:00'), to: nov(9, '13:30') });
  const theoNet = b.net(theo, nov(9, '10:00'), 4 * GB, 1 * GB);
  // Listed at zero, VAT rate 0: 2 days, 15 blocks = 3,75 h; booth 0,5 h; 5 GB. HT = VAT = TTC = 0.
  const theoInvoice: ExpectedInvoice = {
    who: 'Théo', account: { kind: 'person', id: theo }, ht: 0, vat: 0, ttc: 0,
    lines: [
      funded({ description: 'Présence, formation financée — 2 jours, 3,75 h', personId: theo, quantityMilli: 3750, unit: 'hour', evidence: sessionsEv(t1, t2) }),
      funded({ description: 'Cabine téléphonique 1, formation financée — 0,5 h réservée', personId: theo, quantityMilli: 500, unit: 'hour', evidence: bookingsEv(theoBooth) }),
      funded({ description: 'Réseau, formation financée — 5 Go consommés', personId: theo, quantityMilli: 5000, unit: 'GB', evidence: netEv(theoNet) }),
    ],
  };

  // ── Sam, staff: presence, a room and traffic, never billed ───────────────────────────────────
  b.session(sam, nov(3, '08:00'), nov(3, '18:00'));
  b.booking({ personId: sam, resourceId: 'room-vezouze', from: nov(13, '10:00'), to: nov(13, '11:00') });
  b.net(sam, nov(3, '10:00'), 300 * GB);

  // ── Quentin, nomad: a 20-minute visit and 15 GB (under 20 GB): nothing to bill ───────────────
  const quentinVisit = b.session(quentin, nov(12, '12:00'), nov(12, '12:20'));
  b.net(quentin, nov(12, '12:00'), 15 * GB);

  // ── Records November must leave alone ────────────────────────────────────────────────────────
  b.session(nina, '2026-10-20T09:00:00+02:00', '2026-10-20T17:00:00+02:00'); // October's
  const ninaDecember = b.session(nina, dec(2, '09:00'), dec(2, '17:00')); // December's
  const carlOpen = b.session(carl, nov(30, '09:00'), null); // still open at the run: billed once it ends

  return {
    ids: { nina, carl, chloe, hugo, marie, company, remi, rose, theo, sam, quentin },
    records: { nina: n, carlDays, carlShort, chloeDays, hugo: h, hugoSub, marieHot, marieFixed, office, quentinVisit, ninaDecember, carlOpen },
    invoices: [ninaInvoice, carlInvoice, chloeInvoice, hugoInvoice, marieInvoice, companyInvoice, theoInvoice],
  };
}

export type November = ReturnType<typeof seedNovember>;
