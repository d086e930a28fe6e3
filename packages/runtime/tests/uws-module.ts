/**
 * Stands in for the `uWebSockets.js` package when the README snippet harness runs the README's
 * uWebSockets.js handler (aliased in vitest.config.ts; the package's native binaries come from
 * GitHub, not npm). `App()` makes a FakeUwsApp (uws-bun-fakes.ts) and records it in `apps`.
 */
import { FakeUwsApp } from './uws-bun-fakes.js';

export const apps: FakeUwsApp[] = [];

export function App(): FakeUwsApp {
  const app = new FakeUwsApp();
  apps.push(app);
  return app;
}
