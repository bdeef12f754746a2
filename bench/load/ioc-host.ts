/**
 * The real IOC in a process of its own (bench/lib/ioc.ts settings), for rows that measure the server
 * process itself (RSS per client). `rss` (command): RSS after a full GC (run with --expose-gc).
 */
import { childSide } from '../lib/proc.ts';
import { startBenchIoc } from '../lib/ioc.ts';
import { DISPLAY_TOKEN } from '../../ioc-server/test/support/start-ioc.ts';

const side = childSide<{ mqttUrl?: string }>();
const ioc = await startBenchIoc(side.config.mqttUrl ? { mqttUrl: side.config.mqttUrl } : {});
side.on('rss', async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  side.send({ type: 'rss', rss: process.memoryUsage().rss, gc: !!gc });
});
side.on('stop', async () => {
  await ioc.close();
  process.exit(0);
});
side.send({ type: 'ready', baseUrl: ioc.baseUrl, mqttUrl: ioc.mqttUrl, token: DISPLAY_TOKEN });
