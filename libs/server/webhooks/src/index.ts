export { WebhooksModule } from './lib/webhooks.module';
export { WebhooksService } from './lib/webhooks.service';
export { WindowCounter } from './lib/webhook-throttle';
