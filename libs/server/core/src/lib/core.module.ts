import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClockPort, SystemClock } from './clock.port';
import type { CapstanConfig } from './config/capstan-config';
import { CAPSTAN_CONFIG } from './config/config.tokens';
import { SecretBox } from './crypto/secret-box';
import { AUDIT_DATA_SOURCE, dataSourceOptions } from './database/data-sources';
import { KeyValueStore } from './database/key-value.store';
import { SystemValueEntity } from './database/system-value.entity';
import { UnitOfWork } from './database/unit-of-work';
import { CapstanLogger } from './logging/logger';

export interface CoreOptions {
  readonly config: CapstanConfig;
  readonly logger: CapstanLogger;
  readonly secretKey: string;
  readonly clock?: ClockPort;
}

/** Config, logger, clock, secret encryption and the two data sources, for every other module. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(options.config, 'main'), autoLoadEntities: true }),
        }),
        TypeOrmModule.forRootAsync({
          name: AUDIT_DATA_SOURCE,
          // The name must be in the factory's result too: @nestjs/typeorm looks the data source up by it on shutdown.
          useFactory: () => ({
            ...dataSourceOptions(options.config, 'audit'),
            name: AUDIT_DATA_SOURCE,
            autoLoadEntities: true,
          }),
        }),
        TypeOrmModule.forFeature([SystemValueEntity]),
      ],
      providers: [
        { provide: CAPSTAN_CONFIG, useValue: options.config },
        { provide: CapstanLogger, useValue: options.logger },
        { provide: ClockPort, useValue: options.clock ?? new SystemClock() },
        { provide: SecretBox, useValue: new SecretBox(options.secretKey) },
        KeyValueStore,
        UnitOfWork,
      ],
      exports: [CAPSTAN_CONFIG, CapstanLogger, ClockPort, SecretBox, KeyValueStore, UnitOfWork],
    };
  }
}
