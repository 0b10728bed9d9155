/** A second process tried to write a store that another live process holds. */
export class StoreLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`The event store ${dir} is in use by another process (pid ${pid}). Stop it, or use another store folder.`);
    this.name = 'StoreLockedError';
  }
}

/** An append could not be written (disk full, folder gone); the store stays consistent. */
export class StoreWriteError extends Error {
  constructor(override readonly cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(
      code === 'ENOSPC'
        ? 'The disk is full: the event could not be saved. Free some space; capture resumes by itself.'
        : `The event could not be saved: ${(cause as Error)?.message ?? String(cause)}`,
    );
    this.name = 'StoreWriteError';
  }
}
