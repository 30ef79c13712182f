import { describe, expect, it } from 'vitest';
import { mayPublish, mayRetain, maySubscribe, type MqttPrincipal } from '../../gateway/protocol/acl.js';
import {
  allStatusFilter,
  allUplinksFilter,
  deviceDownlinkFilter,
  DOWNLINK_KINDS,
  downlinkTopic,
  isDeviceId,
  isSiteId,
  parseTopic,
  statusTopic,
  UPLINK_KINDS,
  uplinkTopic,
} from '../../gateway/protocol/topics.js';
import { MAX_PAYLOAD_BYTES, parseDownlink, parseStatus, parseUplink } from '../../gateway/protocol/validate.js';

const SITE = 'menil-flin';
const READER = 'rdr-main-out';
const OTHER = 'rdr-main-in';
const device: MqttPrincipal = { role: 'device', deviceId: READER, site: SITE };
const controller: MqttPrincipal = { role: 'controller', site: SITE };

describe('topic builders and parsers', () => {
  it('builds the documented topic tree', () => {
    expect(uplinkTopic(SITE, READER, 'badge')).toBe('mf/v1/menil-flin/rdr-main-out/up/badge');
    expect(statusTopic(SITE, READER)).toBe('mf/v1/menil-flin/rdr-main-out/status');
    expect(downlinkTopic(SITE, READER, 'door_cmd')).toBe('mf/v1/menil-flin/rdr-main-out/down/door_cmd');
    expect(allUplinksFilter(SITE)).toBe('mf/v1/menil-flin/+/up/+');
    expect(allStatusFilter(SITE)).toBe('mf/v1/menil-flin/+/status');
    expect(deviceDownlinkFilter(SITE, READER)).toBe('mf/v1/menil-flin/rdr-main-out/down/+');
  });

  it.each(UPLINK_KINDS)('round-trips the uplink topic of %s', (kind) => {
    expect(parseTopic(uplinkTopic(SITE, READER, kind))).toEqual({ direction: 'up', site: SITE, deviceId: READER, kind });
  });

  it.each(DOWNLINK_KINDS)('round-trips the downlink topic of %s', (kind) => {
    expect(parseTopic(downlinkTopic(SITE, READER, kind))).toEqual({ direction: 'down', site: SITE, deviceId: READER, kind });
  });

  it('round-trips the status topic', () => {
    expect(parseTopic(statusTopic(SITE, 'net-uplink'))).toEqual({ direction: 'status', site: SITE, deviceId: 'net-uplink' });
  });

  it.each([
    ['another root', 'xx/v1/menil-flin/rdr-main-out/up/badge'],
    ['another version', 'mf/v2/menil-flin/rdr-main-out/up/badge'],
    ['an unknown uplink kind', 'mf/v1/menil-flin/rdr-main-out/up/temperature'],
    ['a downlink kind as an uplink', 'mf/v1/menil-flin/rdr-main-out/up/access'],
    ['an uplink kind as a downlink', 'mf/v1/menil-flin/rdr-main-out/down/badge'],
    ['a wildcard device', 'mf/v1/menil-flin/+/up/badge'],
    ['a multi-level wildcard', 'mf/v1/menil-flin/#'],
    ['a trailing level', 'mf/v1/menil-flin/rdr-main-out/up/badge/extra'],
    ['a trailing slash', 'mf/v1/menil-flin/rdr-main-out/status/'],
    ['a missing kind', 'mf/v1/menil-flin/rdr-main-out/up'],
    ['an upper-case device id', 'mf/v1/menil-flin/RDR-MAIN-OUT/status'],
    ['a device id longer than 23 characters', 'mf/v1/menil-flin/abcdefghijklmnopqrstuvwx/status'],
    ['an empty site', 'mf/v1//rdr-main-out/status'],
    ['$SYS', '$SYS/broker/clients/connected'],
    ['the empty string', ''],
  ])('rejects %s', (_what, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it('checks device and site ids', () => {
    for (const id of ['rdr-main-out', 'desk-cw-hot-01', 'net-uplink', 'a1', 'abcdefghijklmnopqrstuvw']) expect(isDeviceId(id)).toBe(true);
    for (const id of ['', 'a', '-rdr', 'Rdr', 'rdr_main', 'rdr/main', 'rdr+', 'abcdefghijklmnopqrstuvwx', 'controller', 'controller-gateway']) expect(isDeviceId(id)).toBe(false);
    expect(isSiteId('menil-flin')).toBe(true);
    expect(isSiteId('Menil-Flin')).toBe(false);
  });
});

describe('ACL: who may publish where', () => {
  it.each(UPLINK_KINDS)('lets a device publish its own %s uplink', (kind) => {
    expect(mayPublish(device, uplinkTopic(SITE, READER, kind))).toBe(true);
  });

  it('lets a device publish its own status', () => {
    expect(mayPublish(device, statusTopic(SITE, READER))).toBe(true);
  });

  it('denies a device another device\'s uplink and status', () => {
    expect(mayPublish(device, uplinkTopic(SITE, OTHER, 'badge'))).toBe(false);
    expect(mayPublish(device, statusTopic(SITE, OTHER))).toBe(false);
  });

  it.each(DOWNLINK_KINDS)('denies a device publishing the downlink %s, even to itself', (kind) => {
    expect(mayPublish(device, downlinkTopic(SITE, READER, kind))).toBe(false);
    expect(mayPublish(device, downlinkTopic(SITE, OTHER, kind))).toBe(false);
  });

  it.each(DOWNLINK_KINDS)('lets the controller publish the downlink %s to any device of its site', (kind) => {
    expect(mayPublish(controller, downlinkTopic(SITE, READER, kind))).toBe(true);
    expect(mayPublish(controller, downlinkTopic(SITE, 'desk-cw-hot-01', kind))).toBe(true);
  });

  it('lets the controller publish downlinks only', () => {
    expect(mayPublish(controller, uplinkTopic(SITE, READER, 'badge'))).toBe(false);
    expect(mayPublish(controller, statusTopic(SITE, READER))).toBe(false);
  });

  it('denies another site to devices and the controller', () => {
    expect(mayPublish(device, uplinkTopic('other-site', READER, 'badge'))).toBe(false);
    expect(mayPublish(device, statusTopic('other-site', READER))).toBe(false);
    expect(mayPublish(controller, downlinkTopic('other-site', READER, 'access'))).toBe(false);
  });

  it('denies $SYS, wildcards and topics outside the tree', () => {
    for (const principal of [device, controller]) {
      expect(mayPublish(principal, '$SYS/broker/uptime')).toBe(false);
      expect(mayPublish(principal, 'mf/v1/menil-flin/+/up/badge')).toBe(false);
      expect(mayPublish(principal, 'mf/v1/menil-flin/rdr-main-out/up/#')).toBe(false);
      expect(mayPublish(principal, 'mf/v1/menil-flin/rdr-main-out/debug')).toBe(false);
      expect(mayPublish(principal, 'anything')).toBe(false);
    }
  });
});

describe('ACL: who may subscribe to what', () => {
  it('lets a device subscribe to its own downlink branch', () => {
    expect(maySubscribe(device, deviceDownlinkFilter(SITE, READER))).toBe(true);
  });

  it('denies a device another device\'s downlinks, uplinks and status', () => {
    expect(maySubscribe(device, deviceDownlinkFilter(SITE, OTHER))).toBe(false);
    expect(maySubscribe(device, uplinkTopic(SITE, OTHER, 'badge'))).toBe(false);
    expect(maySubscribe(device, statusTopic(SITE, OTHER))).toBe(false);
  });

  it.each([
    '#',
    '+/#',
    'mf/#',
    'mf/v1/menil-flin/#',
    'mf/v1/menil-flin/+/down/+',
    'mf/v1/menil-flin/+/up/+',
    'mf/v1/menil-flin/+/status',
    'mf/v1/+/rdr-main-out/down/+',
    '$share/gateway/mf/v1/menil-flin/rdr-main-out/down/+',
  ])('refuses the wildcard filter %s to a device', (filter) => {
    expect(maySubscribe(device, filter)).toBe(false);
  });

  it('is strict: a device subscribes to exactly .../down/+ (not down/# nor one kind)', () => {
    expect(maySubscribe(device, 'mf/v1/menil-flin/rdr-main-out/down/#')).toBe(false);
    expect(maySubscribe(device, downlinkTopic(SITE, READER, 'access'))).toBe(false);
  });

  it('lets the controller subscribe to every uplink and status of its site, and a shared uplink group', () => {
    expect(maySubscribe(controller, allUplinksFilter(SITE))).toBe(true);
    expect(maySubscribe(controller, allStatusFilter(SITE))).toBe(true);
    expect(maySubscribe(controller, `$share/gateway/${allUplinksFilter(SITE)}`)).toBe(true);
  });

  it('denies the controller other filters, other sites and $SYS', () => {
    expect(maySubscribe(controller, '#')).toBe(false);
    expect(maySubscribe(controller, 'mf/v1/menil-flin/#')).toBe(false);
    expect(maySubscribe(controller, deviceDownlinkFilter(SITE, READER))).toBe(false);
    expect(maySubscribe(controller, allUplinksFilter('other-site'))).toBe(false);
    expect(maySubscribe(controller, allStatusFilter('other-site'))).toBe(false);
    expect(maySubscribe(controller, '$SYS/#')).toBe(false);
  });

  it('denies $SYS and other sites to devices', () => {
    expect(maySubscribe(device, '$SYS/#')).toBe(false);
    expect(maySubscribe(device, '$SYS/broker/clients/connected')).toBe(false);
    expect(maySubscribe(device, deviceDownlinkFilter('other-site', READER))).toBe(false);
  });
});

describe('ACL: retained messages', () => {
  it('allows retain on status only', () => {
    expect(mayRetain(statusTopic(SITE, READER))).toBe(true);
    for (const kind of UPLINK_KINDS) expect(mayRetain(uplinkTopic(SITE, READER, kind))).toBe(false);
    for (const kind of DOWNLINK_KINDS) expect(mayRetain(downlinkTopic(SITE, READER, kind))).toBe(false);
    expect(mayRetain('$SYS/broker/uptime')).toBe(false);
    expect(mayRetain('elsewhere/status')).toBe(false);
  });
});

describe('payload validation (validate.ts)', () => {
  const heartbeat = { v: 1, deviceId: READER, bootId: 'b00t-7f3a', seq: 12, ts: 1_767_261_600_000, uptimeS: 3600, intervalS: 60 };

  it('accepts a valid payload from a Buffer or a string', () => {
    const fromBuffer = parseUplink('heartbeat', Buffer.from(JSON.stringify(heartbeat)));
    expect(fromBuffer).toEqual({ ok: true, value: heartbeat });
    expect(parseUplink('heartbeat', JSON.stringify(heartbeat)).ok).toBe(true);
  });

  it('reports invalid JSON', () => {
    expect(parseUplink('heartbeat', '{"v":1,')).toEqual({ ok: false, reason: 'payload is not valid JSON' });
    expect(parseStatus(Buffer.from([0xff, 0xfe]))).toEqual({ ok: false, reason: 'payload is not valid JSON' });
    expect(parseDownlink('access', '')).toEqual({ ok: false, reason: 'payload is not valid JSON' });
  });

  it('reports a schema error with the path of the offending field', () => {
    const result = parseUplink('heartbeat', JSON.stringify({ ...heartbeat, seq: -1 }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^schema: .*\/seq/);
  });

  it('reports a missing field and an unknown field', () => {
    const { intervalS: _omitted, ...missing } = heartbeat;
    const noInterval = parseUplink('heartbeat', JSON.stringify(missing));
    expect(noInterval.ok).toBe(false);
    if (!noInterval.ok) expect(noInterval.reason).toMatch(/^schema: /);
    const extra = parseUplink('heartbeat', JSON.stringify({ ...heartbeat, temperature: 21 }));
    expect(extra.ok).toBe(false);
    if (!extra.ok) expect(extra.reason).toMatch(/^schema: /);
  });

  it('rejects a payload of another kind and another protocol version', () => {
    expect(parseUplink('badge', JSON.stringify(heartbeat)).ok).toBe(false);
    expect(parseUplink('heartbeat', JSON.stringify({ ...heartbeat, v: 2 })).ok).toBe(false);
  });

  it('refuses an oversize payload before parsing it', () => {
    const big = Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20);
    expect(parseUplink('heartbeat', big)).toEqual({ ok: false, reason: `payload larger than ${MAX_PAYLOAD_BYTES} bytes` });
    // exactly the limit is parsed (here: whitespace, so not JSON)
    expect(parseUplink('heartbeat', Buffer.alloc(MAX_PAYLOAD_BYTES, 0x20))).toEqual({ ok: false, reason: 'payload is not valid JSON' });
  });

  it('does not compare deviceId with the topic: that is the gateway\'s job', () => {
    // the payload names another device than the one publishing: the parser only checks the shape
    const result = parseUplink('heartbeat', JSON.stringify({ ...heartbeat, deviceId: OTHER }));
    expect(result).toEqual({ ok: true, value: { ...heartbeat, deviceId: OTHER } });
  });

  it('validates status and downlinks with their own schemas', () => {
    const status = { v: 1, deviceId: READER, bootId: 'b00t-7f3a', state: 'online', ts: 1_767_261_600_000 };
    expect(parseStatus(JSON.stringify(status)).ok).toBe(true);
    expect(parseStatus(JSON.stringify({ ...status, state: 'rebooting' })).ok).toBe(false);
    const doorCmd = { v: 1, nonce: 'n0nce-0123456789ab', issuedAt: 1_767_261_600_000, expiresAt: 1_767_261_630_000, action: 'unlock', durationMs: 5_000 };
    expect(parseDownlink('door_cmd', JSON.stringify(doorCmd)).ok).toBe(true);
    expect(parseDownlink('door_cmd', JSON.stringify({ ...doorCmd, nonce: 'short' })).ok).toBe(false);
  });
});
