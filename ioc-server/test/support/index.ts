// The test harness of @hue-ioc/server, published as `@hue-ioc/server/testing` (package.json "exports").
// Browser tests in ioc-web/tests are end-to-end tests of the whole system: they start a real IOC and drive it
// as its clients do (sign a webhook like Hue-S, log in like the console, open /live like the wall). They reach
// the server through this one entry point only, never through its src/ or test/ files, and never through
// streams (.dependency-cruiser.cjs: web-tests-only-through-server-testing). It lives in test/, so it is test
// code for every rule (not-to-dev-dep, production-not-to-test-code): production code cannot import it.

export {
  connectLive,
  DISPLAY_TOKEN,
  LiveMirror,
  startIoc,
  waitFor,
  type LiveClient,
  type RunningIoc,
} from './start-ioc.ts';
export {
  createUser,
  login,
  loginAs,
  newDisplayToken,
  openSession,
  sessionFor,
  TEST_AGENCY,
  type Session,
} from './auth.ts';
export { DAI_NOI_SCENE, withDaiNoi } from './wall-config.ts';
export { freePort } from './free-port.ts';
// The X-Signature / X-Timestamp headers every ingest source sends (ARCHITECTURE.md, "Access"): a test that
// posts to /api/ingest/* signs its body as Hue-S or the hotline would.
export { signBody } from '@hue-ioc/streams';
