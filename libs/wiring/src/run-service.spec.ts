import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@ocs/observability';
import { runService, type ServiceAssembly } from './run-service';

@Module({ imports: [ObservabilityModule.forRoot({ service: 'tiny' })] })
class TinyModule {}

const tiny: ServiceAssembly = { name: 'tiny', surface: 'esp', clusterSecrets: [], module: () => TinyModule };

describe('runService', () => {
  const { env, argv } = process;
  // As a service's main sees it, not with the test runner's own flags.
  beforeEach(() => (process.argv = ['node', 'main.js']));
  afterEach(() => {
    process.env = env;
    process.argv = argv;
    jest.restoreAllMocks();
  });

  it('starts the app on the configured host and port', async () => {
    process.env = { ...env, 'OCS__server__esp-port': '0', OCS__log__level: 'silent' };
    const { app, url } = await runService(tiny);
    try {
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("listens on its surface's own host when one is set, else on [server] host", async () => {
    process.env = { ...env, 'OCS__server__esp-port': '0', 'OCS__server__esp-host': '127.0.0.2', OCS__log__level: 'silent' };
    const { app, url } = await runService(tiny);
    try {
      expect(new URL(url).hostname).toBe('127.0.0.2');
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${new URL(url).port}/health/live`)).rejects.toThrow();
    } finally {
      await app.close();
    }
  });

  it('writes a configuration error to stderr and exits with code 1', async () => {
    process.env = { ...env, 'OCS__server__esp-port': 'x' };
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    await expect(runService(tiny)).rejects.toThrow('exit 1');
    expect(stderr).toHaveBeenCalledWith('tiny: invalid configuration\ninvalid option [server] esp-port: expected an integer from 0 to 65535, got "x"\n');
  });
});
