export * from './admin.js';
export * from './consumer.js';
export * from './envelope.js';
export * from './migration.js';
export * from './outbox.js';
export * from './pg-transport.js';
export * from './relay.js';
export * from './transport.js';
