/**
 * Preloaded (`node --require`) into a profiled product: SIGUSR2 ends the process at once with a normal exit, so that
 * `--cpu-prof` writes its profile (a process ended by a signal writes none).
 */
process.on('SIGUSR2', () => process.exit(0));
