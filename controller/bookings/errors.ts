/** A booking request refused, with the HTTP status that says why; the message is for a manager or a member to read. */
export class BookingError extends Error {
  constructor(readonly statusCode: 400 | 403 | 404 | 409, message: string) {
    super(message);
    this.name = 'BookingError';
  }
}

/** SQLite's answer when a write would overlap another booking (the triggers of migration 0003). */
export function isOverlapError(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_TRIGGER' && (err as Error).message.includes('booking_overlap');
}
