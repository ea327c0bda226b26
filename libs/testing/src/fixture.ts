/**
 * Gives each test of the current `describe` a fresh fixture from `create`, handed to `use` before the test, and
 * closed after it.
 */
export function eachTest<F extends { close?: () => Promise<void> }>(create: () => Promise<F>, use: (fixture: F) => void): void {
  let current: F | undefined;
  beforeEach(async () => {
    current = await create();
    use(current);
  });
  afterEach(async () => {
    await current?.close?.();
    current = undefined;
  });
}
