import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOWNLINK_KINDS, parseTopic, UPLINK_KINDS, type DownlinkKind, type UplinkKind } from '../../gateway/protocol/topics.js';
import { parseDownlink, parseStatus, parseUplink, type Parsed } from '../../gateway/protocol/validate.js';

/**
 * docs/protocol.md is what a firmware engineer copies from: every example in it must be valid, every
 * message kind must have one, and every topic it writes must be a topic of the protocol.
 */
const DOC_FILE = fileURLToPath(new URL('../../docs/protocol.md', import.meta.url));
const doc = readFileSync(DOC_FILE, 'utf8');

interface Example {
  /** The info string after ```json, e.g. `uplink:badge` or `status`. */
  label: string;
  body: string;
  line: number;
}

/** Every fenced block whose info string is `json <label>`. */
function examples(markdown: string): Example[] {
  const out: Example[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```json\s+(\S+)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    if (end === lines.length) throw new Error(`unclosed block opened at line ${i + 1}`);
    out.push({ label: open[1] as string, body: lines.slice(start, end).join('\n'), line: i + 1 });
    i = end;
  }
  return out;
}

const uplinkKinds = new Set<string>(UPLINK_KINDS);
const downlinkKinds = new Set<string>(DOWNLINK_KINDS);

function validate(example: Example): Parsed<unknown> {
  const [direction, kind] = example.label.split(':');
  if (direction === 'status' && kind === undefined) return parseStatus(example.body);
  if (direction === 'uplink' && kind !== undefined && uplinkKinds.has(kind)) return parseUplink(kind as UplinkKind, example.body);
  if (direction === 'downlink' && kind !== undefined && downlinkKinds.has(kind)) return parseDownlink(kind as DownlinkKind, example.body);
  return { ok: false, reason: `unknown example label "${example.label}"` };
}

const all = examples(doc);

describe('docs/protocol.md examples', () => {
  it('has examples', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  it.each(all.map((e) => [`${e.label} at line ${e.line}`, e] as const))('%s is valid against its schema', (_name, example) => {
    const result = validate(example);
    expect(result.ok ? 'valid' : result.reason).toBe('valid');
  });

  it('labels every JSON block: an unlabelled ```json block would go untested', () => {
    const unlabelled = doc.split('\n').map((l, i) => [l, i + 1] as const).filter(([l]) => /^```json\s*$/.test(l));
    expect(unlabelled.map(([, n]) => `line ${n}`)).toEqual([]);
  });

  it.each(UPLINK_KINDS)('has at least one example of the uplink %s', (kind) => {
    expect(all.filter((e) => e.label === `uplink:${kind}`).length).toBeGreaterThanOrEqual(1);
  });

  it.each(DOWNLINK_KINDS)('has at least one example of the downlink %s', (kind) => {
    expect(all.filter((e) => e.label === `downlink:${kind}`).length).toBeGreaterThanOrEqual(1);
  });

  it('has an example of status, online and offline', () => {
    const states = all.filter((e) => e.label === 'status').map((e) => (JSON.parse(e.body) as { state: string }).state);
    expect(new Set(states)).toEqual(new Set(['online', 'offline']));
  });

  it('writes each uplink example with an envelope whose deviceId is a device of the building', () => {
    const building = JSON.parse(readFileSync(fileURLToPath(new URL('../../controller/building/menil-flin.json', import.meta.url)), 'utf8')) as {
      doors: { readers: { deviceId: string }[] }[];
      desks: { sensor: string }[];
      meters: { deviceId: string }[];
    };
    const ids = new Set([
      ...building.doors.flatMap((d) => d.readers.map((r) => r.deviceId)),
      ...building.desks.map((d) => d.sensor),
      ...building.meters.map((m) => m.deviceId),
    ]);
    for (const e of all.filter((x) => x.label.startsWith('uplink:') || x.label === 'status')) {
      expect(ids, `${e.label} at line ${e.line}`).toContain((JSON.parse(e.body) as { deviceId: string }).deviceId);
    }
  });
});

/** The topic with each placeholder (`{site}`, `{deviceId}`, `{kind}`) or wildcard replaced by a valid value for its level. */
function concrete(topic: string): string {
  const parts = topic.split('/');
  const direction = parts[4];
  return parts.map((part, level) => {
    if (!/^\{.+\}$/.test(part) && part !== '+' && part !== '#') return part;
    if (level === 2) return 'menil-flin';
    if (level === 3) return 'rdr-main-out';
    if (level === 5) return direction === 'down' ? 'access' : 'badge';
    return part; // a placeholder anywhere else is not a topic of the protocol: parseTopic says so
  }).join('/');
}

describe('docs/protocol.md topics', () => {
  // topics and filters as written in prose, tables and shell examples; a trailing `.` or `,` is prose
  const written = [...new Set([...doc.matchAll(/mf\/v1\/[A-Za-z0-9{}+#_\-/]*/g)].map((m) => m[0].replace(/\/$/, '')))];

  it('writes topics', () => {
    expect(written.length).toBeGreaterThan(10);
  });

  it.each(written)('%s is a topic of the protocol (placeholders and wildcards replaced by valid values)', (topic) => {
    // `mf/v1/...` in prose stands for the whole tree
    if (topic === 'mf/v1') return;
    expect(parseTopic(concrete(topic)), topic).not.toBeNull();
  });

  it('names the concrete topics of rdr-main-out exactly', () => {
    expect(written).toEqual(expect.arrayContaining([
      'mf/v1/menil-flin/rdr-main-out/up/badge',
      'mf/v1/menil-flin/rdr-main-out/status',
      'mf/v1/menil-flin/rdr-main-out/down/access',
      'mf/v1/menil-flin/rdr-main-out/down/+',
    ]));
  });
});
