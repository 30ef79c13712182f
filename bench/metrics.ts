import type { LoadKind } from '../firmware-sim/load.js';

/**
 * What the bench reports: every metric with its unit and target, grouped by the scenario that
 * measures it, and the figures that cannot be measured yet (with the issue that will make them so).
 */

export interface Measured {
  metric: string;
  value: number;
  unit: string;
}

export interface Target {
  op: '<=' | '>=';
  value: number;
}

export interface MetricDef {
  name: string;
  unit: string;
  target?: Target;
  /** One line on what it is, for the table and the docs. */
  what: string;
}

/** What a scenario hands back: its figures, lines of context for the table, and any check that failed. */
export interface ScenarioOutcome {
  values: Measured[];
  notes: string[];
  problems: string[];
}

export interface BenchContext {
  signal: AbortSignal;
  /** Uplink kinds the load generator sends in turn (default: heartbeat, desk, net). */
  kinds?: readonly LoadKind[];
  /** Earlier months billed before the timed billing run (default 0: the first month of a database). */
  billingHistory?: number;
  /** Progress for the person waiting (stderr); never part of the results. */
  log(line: string): void;
}

export interface Scenario {
  name: string;
  metrics: MetricDef[];
  run(ctx: BenchContext): Promise<ScenarioOutcome>;
}

/**
 * Metrics not built yet. The hook: when the feature lands, write its scenario (bench/scenarios/),
 * register it in bench/run.ts with these definitions, and delete the entry here.
 */
export const NOT_AVAILABLE: Array<MetricDef & { reason: string }> = [];

export function meets(value: number, target: Target | undefined): boolean | undefined {
  if (target === undefined) return undefined;
  if (!Number.isFinite(value)) return false;
  return target.op === '<=' ? value <= target.value : value >= target.value;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatTarget(t: Target | undefined): string {
  return t === undefined ? '' : `${t.op === '<=' ? '≤' : '≥'} ${t.value.toLocaleString('en-US')}`;
}

/** The readable table: one row per metric, the targets checked, then each scenario's notes. */
export function renderTable(rows: Array<{ def: MetricDef; value?: number; unavailable?: string }>, notes: string[]): string {
  const cells = rows.map(({ def, value, unavailable }) => {
    if (unavailable !== undefined) return [def.name, '—', def.unit, formatTarget(def.target), unavailable];
    const ok = meets(value as number, def.target);
    return [def.name, formatValue(value as number), def.unit, formatTarget(def.target), ok === undefined ? '' : ok ? 'ok' : 'MISSED'];
  });
  const header = ['metric', 'value', 'unit', 'target', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((v, i) => (i === 1 ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)];
  if (notes.length > 0) out.push('', ...notes.map((n) => `  · ${n}`));
  return out.join('\n');
}

export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
