// Whether a process id on this host still stands for a running process: the test behind every
// "the owner died, so its claim/lock/pin may be broken" decision. A zombie counts as dead: it
// has exited and only waits for its parent to reap it, which on some machines (a VM whose init
// reaps slowly) takes long enough that a re-pull right after a kill would otherwise neither
// resume nor clean up the killed pull's files.
import { readFileSync } from 'node:fs';
import { errnoCode } from './fs-errors.js';

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, but belongs to another user.
    return errnoCode(err) === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // `pid (comm) S ...`: comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false; // no /proc (not Linux) or it just went away: judged by kill() alone
  }
}
