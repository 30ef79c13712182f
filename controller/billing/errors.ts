/** A billing request refused, with the HTTP status that says why and a message a manager understands. */
export class BillingError extends Error {
  constructor(readonly statusCode: 400 | 403 | 404 | 409, message: string) {
    super(message);
    this.name = 'BillingError';
  }
}
