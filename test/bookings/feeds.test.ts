import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestController } from '../support/controller.js';
import { anonymous, caller, DAY, paris, settableClock, startBookingController, type Caller } from './support.js';

interface ParsedEvent { uid: string; summary: string; start: number; end: number; location: string }

/** The feed parsed back by a library, not compared as text. */
function parse(text: string): { name: string; events: ParsedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return { uid: e.uid, summary: e.summary, start: e.startDate.toJSDate().getTime(), end: e.endDate.toJSDate().getTime(), location: e.location };
  });
  return { name: String(calendar.getFirstPropertyValue('x-wr-calname')), events: events.sort((a, b) => a.start - b.start) };
}

describe("each room's iCalendar feed", () => {
  const clock = settableClock(paris(DAY, '08:00'));
  let ctl: TestController;
  let camille: Caller;
  let manager: Caller;
  let feeds: Record<string, string>;

  beforeAll(async () => {
    ctl = await startBookingController(clock);
    camille = await caller(ctl, 'camille', 'member', { name: 'Camille Durand' });
    manager = await caller(ctl, 'sam', 'manager', { name: 'Sam Staff', kind: 'staff' });
    const post = async (path: string, body: Record<string, unknown>) => {
      const res = await (path.endsWith('blocks') ? manager : camille).call('POST', path, body);
      expect(res.status).toBe(201);
      return res.json.booking.id as number;
    };
    await post('/api/bookings', { resourceId: 'room-baccarat', startsAt: paris(DAY, '10:00'), endsAt: paris(DAY, '11:30'), title: 'Secret merger talks' });
    await post('/api/bookings', { resourceId: 'room-baccarat', startsAt: paris(DAY, '09:00'), endsAt: paris(DAY, '09:30') }); // released below
    const cancelled = await post('/api/bookings', { resourceId: 'room-baccarat', startsAt: paris(DAY, '14:00'), endsAt: paris(DAY, '15:00') });
    await camille.call('DELETE', `/api/bookings/${cancelled}`);
    await post('/api/bookings/blocks', { resourceId: 'room-baccarat', startsAt: paris(DAY, '18:00'), endsAt: paris(DAY, '23:00'), reason: 'Soirée des partenaires' });
    await post('/api/bookings', { resourceId: 'room-luneville', startsAt: paris(DAY, '10:00'), endsAt: paris(DAY, '11:00') });
    ctl.system.bookings.runJobs(paris(DAY, '09:16')); // nobody in Baccarat at 9:00: released at 9:15
    const list = await manager.call('GET', '/api/bookings/feeds');
    expect(list.status).toBe(200);
    feeds = Object.fromEntries(list.json.feeds.map((f: { resourceId: string; url: string }) => [f.resourceId, f.url]));
  });
  afterAll(async () => {
    await ctl?.stop();
  });

  it('has a secret URL for every room and booth, for staff to hand out', () => {
    expect(Object.keys(feeds)).toEqual(['room-baccarat', 'room-luneville', 'room-vezouze', 'booth-1', 'booth-2', 'event-hall', 'training-meurthe', 'training-mortagne']);
    for (const url of Object.values(feeds)) expect(url).toMatch(/^\/ical\/[A-Za-z0-9_-]{32}\.ics$/);
  });

  it('lists the confirmed bookings and blocks of its room, a released one ending at its release, without members\' titles', async () => {
    const res = await anonymous(ctl)('GET', feeds['room-baccarat'] as string);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/calendar; charset=utf-8');
    const { name, events } = parse(res.json as string);
    expect(name).toBe("Baccarat — Centre d'innovation et de vitalisation du territoire");
    expect(events.map(({ summary, start, end, location }) => ({ summary, start, end, location }))).toEqual([
      { summary: 'Réservé', start: paris(DAY, '09:00'), end: paris(DAY, '09:15'), location: 'Baccarat' },
      { summary: 'Réservé', start: paris(DAY, '10:00'), end: paris(DAY, '11:30'), location: 'Baccarat' },
      { summary: 'Soirée des partenaires', start: paris(DAY, '18:00'), end: paris(DAY, '23:00'), location: 'Baccarat' },
    ]);
    expect(new Set(events.map((e) => e.uid)).size).toBe(3);
    expect(res.json).not.toMatch(/merger|Camille/);
  });

  it('shows only its own room', async () => {
    const { events } = parse((await anonymous(ctl)('GET', feeds['room-luneville'] as string)).json as string);
    expect(events.map((e) => e.start)).toEqual([paris(DAY, '10:00')]);
  });

  it('answers 404 to a wrong token, and to the old one once rotated', async () => {
    expect((await anonymous(ctl)('GET', '/ical/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics')).status).toBe(404);
    expect((await anonymous(ctl)('GET', '/ical/short.ics')).status).toBe(404);
    const old = feeds['room-baccarat'] as string;
    const rotated = await manager.call('POST', '/api/bookings/feeds/room-baccarat/rotate');
    expect(rotated).toMatchObject({ status: 200, json: { resourceId: 'room-baccarat', url: expect.stringMatching(/^\/ical\/.{32}\.ics$/) } });
    expect(rotated.json.url).not.toBe(old);
    expect((await anonymous(ctl)('GET', old)).status).toBe(404);
    expect((await anonymous(ctl)('GET', rotated.json.url)).status).toBe(200);
    expect((await manager.call('POST', '/api/bookings/feeds/cw-hot-01/rotate')).status).toBe(404);
    expect((await camille.call('POST', '/api/bookings/feeds/room-baccarat/rotate')).status).toBe(403);
  });
});
