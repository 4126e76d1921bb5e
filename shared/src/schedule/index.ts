export * from './data.js';
export * from './dates.js';
export * from './engine.js';
export * from './eligibility.js';
