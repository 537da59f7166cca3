import { nestLogLevels } from './log-levels';

describe('nestLogLevels', () => {
  it('lets through the named level and everything more severe', () => {
    expect(nestLogLevels('fatal')).toEqual(['fatal']);
    expect(nestLogLevels('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(nestLogLevels('info')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(nestLogLevels('trace')).toEqual(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
  });

  it('silences everything for silent', () => {
    expect(nestLogLevels('silent')).toBe(false);
  });
});
