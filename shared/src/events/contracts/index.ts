export * from './booking.js';
export * from './immunization.js';
export * from './inventory.js';
export * from './feedback.js';
