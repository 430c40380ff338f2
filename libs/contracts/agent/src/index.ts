export * from './lib/dto';
export * from './lib/errors';
export * from './lib/headers';
export * from './lib/routes';
export * from './lib/signature';
export * from './lib/edge';
export * from './lib/chisel';
export * from './lib/edge-stacks';
