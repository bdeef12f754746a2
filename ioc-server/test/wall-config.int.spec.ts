import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_WALL_CONFIG, type WallConfig } from '@hue-ioc/layers';
import { ConfigError } from '../src/config.ts';
import { DISPLAY_TOKEN, startIoc, type RunningIoc } from './support/start-ioc.ts';
import { withDaiNoi } from './support/wall-config.ts';

/**
 * The wall's playlist comes from the server (issue "Scenes: a configurable playlist"): the default four
 * scenes without WALL_CONFIG_FILE, the file's own scenes with it, and no start at all with a wrong file —
 * every problem named by its path, never a stack trace.
 */
const REPO = resolve(import.meta.dirname, '../..');

/** A centre that shows the Imperial City (Đại Nội) between the province and the city centre. */
const CITADEL = withDaiNoi(
  { normal: ['province', 'dai-noi', 'city', 'spike'], flood: ['flood', 'province'] },
  { dwellS: 20 },
);

/** The same, as an operator might get it wrong. */
const BROKEN = {
  ...CITADEL,
  scenes: CITADEL.scenes.map((s) =>
    s.id === 'dai-noi'
      ? {
          ...s,
          view: [
            [107.592, 16.462],
            [107.565, 16.478],
          ],
          dwellS: 1,
        }
      : s,
  ),
  playlists: { normal: ['province', 'kinh-thanh'], flood: [] },
};

const PROBLEMS = [
  'scenes[4].dwellS: must be a number of seconds from 5 to 600',
  'scenes[4].view: west (107.592) must be less than east (107.565)',
  'playlists.flood: must name 1 to 100 scenes',
  'playlists.normal[1]: "kinh-thanh" is not the id of a scene',
];

async function getConfig(ioc: RunningIoc, headers: Record<string, string>): Promise<Response> {
  return fetch(`${ioc.baseUrl}/api/wall/config`, { headers });
}

describe('GET /api/wall/config', () => {
  let dir: string;
  let ioc: RunningIoc | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hue-ioc-wall-config-'));
  });
  afterEach(async () => {
    await ioc?.close();
    ioc = null;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the default scenes to a wall screen when no file is set, and nothing to strangers', async () => {
    ioc = await startIoc();
    expect(ioc.config.wallConfigFile).toBeNull();
    const res = await getConfig(ioc, { authorization: `Bearer ${DISPLAY_TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(DEFAULT_WALL_CONFIG);
    const anonymous = await getConfig(ioc, {});
    expect(anonymous.status).toBe(401);
  });

  it("serves the file's own scenes and playlists", async () => {
    const file = join(dir, 'wall.json');
    await writeFile(file, JSON.stringify(CITADEL, null, 2));
    ioc = await startIoc({ overrides: { wallConfigFile: file } });
    const res = await getConfig(ioc, { authorization: `Bearer ${DISPLAY_TOKEN}` });
    expect(res.status).toBe(200);
    const body = (await res.json()) as WallConfig;
    expect(body).toEqual(CITADEL);
    expect(body.scenes.find((s) => s.id === 'dai-noi')?.title.vi).toBe('Đại Nội Huế');
  });

  it('refuses to start with a wrong file, naming every problem by its path', async () => {
    const file = join(dir, 'wall-broken.json');
    await writeFile(file, JSON.stringify(BROKEN, null, 2));
    const dataDir = await mkdtemp(join(tmpdir(), 'hue-ioc-wall-config-data-'));
    try {
      const started = startIoc({ dataDir, overrides: { wallConfigFile: file } });
      await expect(started).rejects.toBeInstanceOf(ConfigError);
      const problems = await started.catch((e: unknown) => (e as ConfigError).problems);
      expect(problems).toHaveLength(PROBLEMS.length);
      for (const p of PROBLEMS)
        expect(problems).toContainEqual(expect.stringContaining(`WALL_CONFIG_FILE ${file}: ${p}`));

      const missing = join(dir, 'nowhere.json');
      await expect(startIoc({ dataDir, overrides: { wallConfigFile: missing } })).rejects.toMatchObject({
        problems: [`WALL_CONFIG_FILE: cannot read ${missing} (no such file)`],
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('makes the server process exit with the problems and no stack trace', async () => {
    const file = join(dir, 'wall-broken.json');
    await writeFile(file, JSON.stringify(BROKEN, null, 2));
    const child = spawn(process.execPath, ['--import', 'tsx', 'ioc-server/src/server.ts'], {
      cwd: REPO,
      env: {
        ...process.env,
        WALL_CONFIG_FILE: file,
        PORT: '0',
        DATABASE_URL: '',
        REDIS_URL: '',
        MQTT_URL: '',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((ok) => child.once('exit', ok));
    expect(code).toBe(2);
    expect(out).toMatch(/^Huế IOC cannot start: invalid configuration:/);
    for (const p of PROBLEMS) expect(out).toContain(`  - WALL_CONFIG_FILE ${file}: ${p}`);
    expect(out).not.toMatch(/\n\s+at /);
  });
});
