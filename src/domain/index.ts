export * from './paris-time.js';
export * from './units.js';
export * from './readings.js';
export * from './tariffs.js';
export * from './tempo.js';
export * from './ecowatt.js';
