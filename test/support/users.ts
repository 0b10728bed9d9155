// Running test code as a user who is not root, where root would pass a check that others meet (a kill(pid, 0)
// of another user's process, a bind of a privileged port). As root the code runs with nobody's effective user
// id, which has no capabilities, and root's id is restored after; not as root it runs as it is.
export const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

export async function asNonRoot<T>(fn: () => Promise<T>): Promise<T> {
  if (!isRoot) {
    return fn();
  }
  process.seteuid!(NOBODY);
  try {
    return await fn();
  } finally {
    process.seteuid!(0);
  }
}
