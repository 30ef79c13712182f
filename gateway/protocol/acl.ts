import { allStatusFilter, allUplinksFilter, deviceDownlinkFilter, parseTopic } from './topics.js';

/**
 * Who may publish and subscribe where. The embedded broker enforces these rules and the
 * Mosquitto ACL written in docs/deployment.md expresses the same ones.
 */
export type MqttPrincipal =
  | { role: 'device'; deviceId: string; site: string }
  | { role: 'controller'; site: string };

export function mayPublish(principal: MqttPrincipal, topic: string): boolean {
  const parsed = parseTopic(topic);
  if (parsed === null || parsed.site !== principal.site) return false;
  if (principal.role === 'controller') return parsed.direction === 'down';
  return parsed.deviceId === principal.deviceId && (parsed.direction === 'up' || parsed.direction === 'status');
}

/** Retained messages are allowed only for device status (birth and last will). */
export function mayRetain(topic: string): boolean {
  return parseTopic(topic)?.direction === 'status';
}

export function maySubscribe(principal: MqttPrincipal, filter: string): boolean {
  if (principal.role === 'controller') {
    return filter === allUplinksFilter(principal.site) || filter === allStatusFilter(principal.site) ||
      // shared subscriptions let several gateway connections split the uplinks (MQTT 5 §4.8.2)
      filter === `$share/gateway/${allUplinksFilter(principal.site)}`;
  }
  return filter === deviceDownlinkFilter(principal.site, principal.deviceId);
}
