export * from './version.js';
export * from './topics.js';
export * from './acl.js';
export * from './common.js';
export * from './uplinks.js';
export * from './downlinks.js';
export * from './status.js';
export * from './validate.js';
