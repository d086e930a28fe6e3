export {};
export * from './adapters/index.js';
