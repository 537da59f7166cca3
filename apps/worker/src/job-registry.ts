import { Inject, Injectable } from '@nestjs/common';
import { JOBS, JobHandler, JOB_HANDLERS, JobName } from '@scf/queue';

/** Maps job names to handlers; refuses to start when a job has no handler or two. */
@Injectable()
export class JobRegistry {
  private readonly byName = new Map<JobName, JobHandler>();

  constructor(@Inject(JOB_HANDLERS) handlers: JobHandler[]) {
    for (const handler of handlers) {
      if (this.byName.has(handler.job)) throw new Error(`job ${handler.job} has two handlers`);
      this.byName.set(handler.job, handler);
    }
    const missing = Object.values(JOBS).filter((job) => !this.byName.has(job));
    if (missing.length) throw new Error(`jobs without a handler: ${missing.join(', ')}`);
  }

  handlerFor(name: string): JobHandler {
    const handler = this.byName.get(name as JobName);
    if (!handler) throw new Error(`unknown job ${name}`);
    return handler;
  }
}
