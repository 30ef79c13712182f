/**
 * The access-control domain as plain data: what the decision, the allow-list compiler and the
 * API share. Times are epoch milliseconds; local times are "HH:MM" in the building's time zone.
 */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type PersonKind = 'member' | 'resident' | 'trainee' | 'staff' | 'visitor';
export type CredentialStatus = 'active' | 'suspended' | 'lost' | 'stolen';
export type DoorMode = 'normal' | 'unlocked' | 'locked';
export type EmergencyMode = 'none' | 'lockdown' | 'evacuation';
export type AntiPassbackMode = 'off' | 'soft' | 'hard';
export type Interval = [from: number, to: number];

export interface Company { id: number; name: string }

export interface Person {
  id: number;
  kind: PersonKind;
  name: string;
  companyId: number | null;
  /** A person can be deactivated without deleting their history. */
  active: boolean;
}

export interface Credential {
  id: number;
  personId: number;
  /** Badge UID, upper-case hex */
  uid: string;
  /** SHA-256 of `${uid}:${pin}` (see pin.ts), also sent to keypad readers; null when the badge has no PIN */
  pinHash: string | null;
  status: CredentialStatus;
  validFrom: number | null;
  validUntil: number | null;
}

/**
 * A weekly slot in local time. `to` at or before `from` crosses midnight: fri 22:00–02:00 runs
 * from Friday 22:00 to Saturday 02:00. "24:00" ends at midnight.
 */
export interface WeeklySlot { days: Weekday[]; from: string; to: string }

export interface Schedule {
  id: number;
  name: string;
  slots: WeeklySlot[];
  /** Whether the schedule still opens on public holidays and closure days. */
  openOnHolidays: boolean;
}

export interface AccessGroup {
  id: number;
  name: string;
  /** Each grant opens a zone (and the zones inside it) during a schedule. */
  grants: Array<{ zoneId: string; scheduleId: number }>;
}

export interface GroupMembership { personId: number; groupId: number; validFrom: number | null; validUntil: number | null }

/** A closure of the centre, besides the French public holidays that are computed. */
export interface Closure { date: string /* YYYY-MM-DD local */; name: string }

/** Trainees may enter a training room during their sessions, from a margin before the start to the end. */
export interface TrainingSession { id: number; zoneId: string; name: string; startsAt: number; endsAt: number; traineeIds: number[] }

/**
 * A booking's holder or one of its guests may enter the booked zone, and the zones on the way to
 * it, during [from, until): the slot with its margin, cut short by a no-show release. The booking
 * module computes the window when it writes the booking; access reads it as plain data.
 */
export interface BookingGrant { bookingId: number; zoneId: string; from: number; until: number }

export interface VisitorPass {
  id: number;
  personId: number;
  hostPersonId: number;
  validFrom: number;
  validUntil: number;
  /** null: unlimited within the validity */
  maxUses: number | null;
  uses: number;
  zoneIds: string[];
}

export interface DoorPolicy {
  doorId: string;
  mode: DoorMode;
  /** Unlocked for everyone during these slots (the museum's public opening hours). */
  unlockSlots: WeeklySlot[];
}

export interface EmergencyState {
  mode: EmergencyMode;
  setBy: string | null;
  setAt: number | null;
  /** Auto-revert to 'none' at this time; null: until a manager ends it. */
  revertAt: number | null;
}

export interface AntiPassbackSettings { mode: AntiPassbackMode; resetAfterMs: number }

/** Where anti-passback believes a person is, from the main entrance's entry and exit readers. */
export interface PassbackState { side: 'inside' | 'outside'; at: number }
