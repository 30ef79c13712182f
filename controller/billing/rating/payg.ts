/**
 * Pay-as-you-go: the cheapest combination of hours, day passes and 10-day cards for a month,
 * chosen after the fact.
 *
 * Each billable day is first priced alone at min(blocks × block price, day pass). A card covers
 * any `cardDays` days of the month, so k cards are best spent on the k × cardDays dearest days;
 * the cost with k cards is k × card + the sum of the other days, and every k from 0 to
 * ceil(n / cardDays) is tried (a card may cover fewer days than it could, as when 8 days cost
 * more than a card). Ties go to fewer cards. Sorting the days makes it O(n log n), n ≤ 31.
 */

export interface PaygDay {
  /** Local day of the month, 0-based. */
  day: number;
  /** Blocks of presence that day (rounded up). */
  blocks: number;
}

export interface PaygPrices {
  blockCents: number;
  dayPassCents: number;
  cardCents: number;
  cardDays: number;
}

export interface PaygChoice {
  cards: number;
  /** Days covered by the cards, dearest first. */
  cardDays: number[];
  /** Days billed as a day pass (blocks × block price ≥ the pass). */
  passDays: number[];
  /** Days billed by the block, and their blocks. */
  hourDays: number[];
  hourBlocks: number;
  totalCents: number;
}

/** The price of one day alone: its blocks, or a day pass when that is cheaper or equal. */
export function dayPrice(blocks: number, p: PaygPrices): number {
  return Math.min(blocks * p.blockCents, p.dayPassCents);
}

export function cheapestCombination(days: readonly PaygDay[], p: PaygPrices): PaygChoice {
  const priced = days.map((d) => ({ day: d.day, blocks: d.blocks, cents: dayPrice(d.blocks, p) }));
  priced.sort((a, b) => b.cents - a.cents || a.day - b.day);
  const n = priced.length;
  const suffix = new Array<number>(n + 1).fill(0); // suffix[i]: sum of the days from i on
  for (let i = n - 1; i >= 0; i--) suffix[i] = (suffix[i + 1] as number) + (priced[i] as { cents: number }).cents;
  let bestK = 0;
  let best = suffix[0] as number;
  const maxK = Math.ceil(n / p.cardDays);
  for (let k = 1; k <= maxK; k++) {
    const cost = k * p.cardCents + (suffix[Math.min(n, k * p.cardDays)] as number);
    if (cost < best) { best = cost; bestK = k; }
  }
  const covered = Math.min(n, bestK * p.cardDays);
  const choice: PaygChoice = { cards: bestK, cardDays: [], passDays: [], hourDays: [], hourBlocks: 0, totalCents: best };
  for (let i = 0; i < n; i++) {
    const d = priced[i] as { day: number; blocks: number; cents: number };
    if (i < covered) choice.cardDays.push(d.day);
    else if (d.blocks * p.blockCents >= p.dayPassCents) choice.passDays.push(d.day);
    else { choice.hourDays.push(d.day); choice.hourBlocks += d.blocks; }
  }
  choice.passDays.sort((a, b) => a - b);
  choice.hourDays.sort((a, b) => a - b);
  return choice;
}
