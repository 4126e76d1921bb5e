import { ConfigError, Env } from './config.js';
import { loadRedisSettings } from './redis.js';

describe('REDIS_URL and REDIS_KEY_PREFIX', () => {
  test('without REDIS_URL there is no Redis: the embedded default needs nothing', () => {
    expect(loadRedisSettings(new Env({}))).toBeUndefined();
  });

  test('a redis:// or rediss:// URL with the deployment prefix', () => {
    expect(loadRedisSettings(new Env({ REDIS_URL: 'rediss://:secret@cache.internal:6380/2', REDIS_KEY_PREFIX: 'semarang-prod:' }))).toEqual(
      {
        url: 'rediss://:secret@cache.internal:6380/2',
        prefix: 'semarang-prod:',
        commandTimeoutMs: 250,
      },
    );
    expect(loadRedisSettings(new Env({ REDIS_URL: 'redis://127.0.0.1:6379' }))!.prefix).toBe('victori:');
  });

  test.each([
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    [{ REDIS_URL: '127.0.0.1:6379' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'no colon' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'a*:' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_COMMAND_TIMEOUT_MS: '0' }, 'REDIS_COMMAND_TIMEOUT_MS'],
  ])('%j refuses the start, naming %s', (source, variable) => {
    expect(() => loadRedisSettings(new Env(source))).toThrow(ConfigError);
    expect(() => loadRedisSettings(new Env(source))).toThrow(variable);
  });
});
