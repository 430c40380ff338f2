import type { WebSocket } from 'ws';

/** Stop reading the agent while the browser is this far behind. */
const HIGH_WATER_BYTES = 1024 * 1024;

/** Both ways between the browser and the agent, with backpressure toward the agent; either side closing closes both. */
export function relayConsole(browser: WebSocket, agent: WebSocket): void {
  agent.on('message', (data: Buffer, isBinary: boolean) => {
    browser.send(isBinary ? data : data.toString('utf8'));
    if (browser.bufferedAmount > HIGH_WATER_BYTES && !agent.isPaused) {
      agent.pause();
      const resume = setInterval(() => {
        if (browser.bufferedAmount < HIGH_WATER_BYTES / 2 || browser.readyState !== browser.OPEN) {
          clearInterval(resume);
          agent.resume();
        }
      }, 20);
    }
  });
  browser.on('message', (data: Buffer, isBinary: boolean) => {
    if (agent.readyState === agent.OPEN) agent.send(isBinary ? data : data.toString('utf8'));
  });
  const close = (ws: WebSocket) => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
  };
  agent.on('close', () => close(browser)).on('error', () => browser.terminate());
  browser.on('close', () => close(agent)).on('error', () => agent.terminate());
}
