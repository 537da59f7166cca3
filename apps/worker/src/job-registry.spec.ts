import { JOBS, JobHandler, JobName } from '@scf/queue';
import { JobRegistry } from './job-registry';

const handler = (job: JobName): JobHandler => ({ job, handle: async () => undefined });

describe('JobRegistry', () => {
  const all = Object.values(JOBS).map(handler);

  it('maps every job name to its handler', () => {
    const registry = new JobRegistry(all);
    for (const job of Object.values(JOBS)) expect(registry.handlerFor(job).job).toBe(job);
  });

  it('refuses to start when a job has no handler', () => {
    expect(() => new JobRegistry(all.slice(1))).toThrow(/without a handler/);
  });

  it('refuses to start when a job has two handlers', () => {
    expect(() => new JobRegistry([...all, handler(JOBS.GENERATE_OFFERS)])).toThrow(/two handlers/);
  });

  it('fails a job of an unknown name', () => {
    expect(() => new JobRegistry(all).handlerFor('nope')).toThrow(/unknown job/);
  });
});
