import { AgentConfigError, loadAgentConfig } from './app/config';
import { createAgentServer } from './app/server';

async function main(): Promise<void> {
  const config = loadAgentConfig(process.env);
  const agent = createAgentServer(config);
  const port = await agent.listen();
  console.log(`capstan-agent listening on http://${config.host}:${port} (platform ${config.platform})`);

  const stop = (signal: string): void => {
    console.log(`capstan-agent: ${signal}, shutting down`);
    agent.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
    // Don't hang on long-lived connections past the container runtime's stop timeout.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof AgentConfigError ? err.message : err);
  process.exit(1);
});
