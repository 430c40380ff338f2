import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '@capstan/server-environments';
import { RegistriesModule } from '@capstan/server-registries';
import { ResourceControlsModule } from '@capstan/server-resource-controls';
import { WebhookEntity } from './entities/webhook.entity';
import { EngineServiceCalls, ServiceEnginePort } from './service-engine.port';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookEntity]),
    EnvironmentsModule,
    ResourceControlsModule,
    RegistriesModule,
  ],
  controllers: [WebhooksController],
  providers: [WebhooksService, { provide: ServiceEnginePort, useClass: EngineServiceCalls }],
  exports: [WebhooksService],
})
export class WebhooksModule {}
