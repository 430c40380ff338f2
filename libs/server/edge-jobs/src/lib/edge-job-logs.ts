import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Collected job logs on disk, Portainer's layout: `<root>/<jobId>/logs_<environmentId>` (root is
 * `<data>/edge_jobs`). Written to a temporary file and renamed: a reader never sees half a log.
 */
export class EdgeJobLogs {
  constructor(private readonly root: string) {}

  private file(jobId: number, environmentId: number): string {
    return join(this.root, String(jobId), `logs_${environmentId}`);
  }

  async write(jobId: number, environmentId: number, content: string): Promise<void> {
    const dir = join(this.root, String(jobId));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const target = this.file(jobId, environmentId);
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, content, { mode: 0o600 });
    await rename(tmp, target);
  }

  /** The log, or '' when none was collected. */
  async read(jobId: number, environmentId: number): Promise<string> {
    return readFile(this.file(jobId, environmentId), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
  }

  async clear(jobId: number, environmentId: number): Promise<void> {
    await rm(this.file(jobId, environmentId), { force: true });
  }

  async removeJob(jobId: number): Promise<void> {
    await rm(join(this.root, String(jobId)), { recursive: true, force: true });
  }
}
