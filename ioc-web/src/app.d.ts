// See https://svelte.dev/docs/kit/types#app.d.ts
import type { WallTestHook } from '$lib/wall/test-hook';

declare global {
  namespace App {
    // interface Error {}
    // interface Locals {}
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }
  interface Window {
    /** Test hook for the browser tests (ioc-web/tests/*.e2e.ts); see $lib/wall/test-hook.ts. */
    __iocWall?: WallTestHook;
  }
}

export {};
