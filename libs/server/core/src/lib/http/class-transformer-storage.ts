// class-transformer keeps its @Type() metadata in a storage object it does not export from its typed entry point.
// @ts-expect-error -- internal module of class-transformer without its own declaration file
import * as storage from 'class-transformer/cjs/storage.js';

interface TypeMetadataStorage {
  findTypeMetadata(
    target: object,
    propertyName: string,
  ): { typeFunction: (options?: unknown) => unknown } | undefined;
}

export const defaultMetadataStorage = (storage as unknown as { defaultMetadataStorage: TypeMetadataStorage })
  .defaultMetadataStorage;
