// The one AbortController of a CLI run (Ctrl-C aborts it). Every request, retry wait and blob
// stream of the run listens on its signal, so a pull with six blobs in flight passes Node's
// default of 10 listeners per target and would print a MaxListenersExceededWarning.
import { setMaxListeners } from 'node:events';

export function runController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(1000, controller.signal);
  return controller;
}
