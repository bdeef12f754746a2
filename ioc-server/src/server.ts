import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig, type Profile } from './config.ts';
import { buildApp } from './app.ts';
import { PortInUseError } from '@hue-ioc/streams';

const profile: Profile = process.argv.includes('--profile=start') ? 'start' : 'default';

async function main(): Promise<void> {
  const started = performance.now();
  let config;
  try {
    config = loadConfig(process.env, profile);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Huế IOC cannot start: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const app = await buildApp(config);
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      app.log.fatal(
        `PORT ${config.port} is already in use: stop what listens there or set PORT to another port.`,
      );
      await app.close();
      process.exit(2);
    }
    throw e;
  }
  const base = `http://localhost:${config.port}`;
  const lines = [
    `Huế IOC is up in ${((performance.now() - started) / 1000).toFixed(1)} s on ${base}`,
    `  wall:      ${base}/wall${config.displayToken ? `?token=${config.displayToken}` : ''}`,
    `  ready:     ${base}/readyz   metrics: ${base}/metrics   API: ${base}/docs`,
    `  database:  ${config.databaseUrl ? 'TimescaleDB at DATABASE_URL' : `embedded TimescaleDB in ${config.dataDir}`}`,
    `  mqtt:      ${app.mqtt.url}${app.mqtt.embedded ? ' (embedded broker)' : ''}`,
    `  simulator: ${config.simulator ? `on (speed ${config.simulatorSpeed}x)` : 'off'}`,
    `  scenes:    ${config.wallConfigFile ? `${config.wall.scenes.length} from ${config.wallConfigFile}` : 'the default four (WALL_CONFIG_FILE to change)'}`,
  ];
  if (config.demo) {
    lines.push(
      `  DEMO mode: display token "${config.displayToken}", ingest secrets "hue-demo-secret" unless set;`,
      `             accounts admin, supervisor, operator, leader, agency with password "${config.demoPassword}" (on a new database)`,
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

main().catch((e: unknown) => {
  const message = e instanceof PortInUseError || e instanceof Error ? e.message : String(e);
  process.stderr.write(`Huế IOC failed to start: ${message}\n`);
  process.exit(1);
});
