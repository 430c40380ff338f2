/**
 * `@capstan/contracts-agent/wire`: the browser-safe part of the agent contract — header names, the route table,
 * the DTOs and error texts — without the signature scheme (`signature.ts` needs node:crypto and an ECDSA
 * library). The portal imports this entry; the server and the agent may use either.
 */
export * from './lib/dto';
export * from './lib/errors';
export * from './lib/headers';
export * from './lib/routes';
export * from './lib/edge-wire';
export * from './lib/edge-async';
export * from './lib/edge-stacks';
