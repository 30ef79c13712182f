import type {
  LiveEvent, PublicMessage, PublicState, StaffChange, StaffMessage, StaffState,
} from '../../../controller/live/messages.js';

/** What one frame did to the state: the views redraw from the state, the feed adds the events. */
export interface Applied<E> {
  snapshot: boolean;
  events: E[];
  eventsDropped: number;
}

const MAX_EVENTS = 200; // events kept for the feed

function applyStaffChange(state: StaffState, c: StaffChange): void {
  switch (c.kind) {
    case 'zone': state.zones[c.id] = c.value; break;
    case 'door': state.doors[c.id] = c.value; break;
    case 'device': state.devices[c.id] = c.value; break;
    case 'desk': state.desks[c.id] = c.value; break;
    case 'meter': state.meters[c.id] = c.value; break;
    case 'alarm':
      if (c.value === null) delete state.alarms[c.id];
      else state.alarms[c.id] = c.value;
      break;
    case 'emergency': state.emergency = c.value; break;
  }
}

/**
 * The staff stream's state in the page. A snapshot replaces everything (on every (re)connection);
 * a delta whose seq the snapshot already includes is skipped; the others apply in order.
 */
export class StaffStore {
  state: StaffState | null = null;
  seq = -1;
  /** The latest events, oldest first. */
  events: LiveEvent[] = [];

  apply(message: StaffMessage): Applied<LiveEvent> | null {
    if (message.type === 'snapshot') {
      this.state = message.state;
      this.seq = message.seq;
      this.events = message.state.recent.slice(-MAX_EVENTS);
      return { snapshot: true, events: this.events, eventsDropped: 0 };
    }
    if (this.state === null || message.seq <= this.seq) return null;
    this.seq = message.seq;
    for (const c of message.changes) applyStaffChange(this.state, c);
    this.events.push(...message.events);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    return { snapshot: false, events: message.events, eventsDropped: message.eventsDropped ?? 0 };
  }
}

/** The public stream's state: zones and rooms, aggregates only. */
export class PublicStore {
  state: PublicState | null = null;
  seq = -1;
  at = 0;

  apply(message: PublicMessage): boolean {
    if (message.type === 'snapshot') {
      this.state = message.state;
      this.seq = message.seq;
      this.at = message.at;
      return true;
    }
    if (this.state === null || message.seq <= this.seq) return false;
    this.seq = message.seq;
    this.at = message.at;
    for (const c of message.changes) {
      if (c.kind === 'zone') this.state.zones[c.id] = c.value;
      else this.state.rooms[c.id] = c.value;
    }
    return true;
  }
}

/** People in the building: the sum of the zones that have no parent (a zone's count includes the zones inside it). */
export function totalOccupancy(state: StaffState, childZoneIds: ReadonlySet<string>): number {
  let total = 0;
  for (const [id, z] of Object.entries(state.zones)) if (!childZoneIds.has(id)) total += z.occupancy;
  return total;
}
