/** Version of the wire contract; it is part of every topic and every payload. */
export const PROTOCOL_VERSION = 1 as const;
export const TOPIC_ROOT = 'mf' as const;
