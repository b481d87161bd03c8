// `regctl image ls|rm|inspect|tag|pull|push|save|load|prune`: docker's management-command
// spelling of the local-image commands. Each is the top-level command's own registration,
// renamed, so flags, help and behaviour stay one definition.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerImages } from './images.js';
import { registerInspect } from './inspect.js';
import { registerLoad } from './load.js';
import { registerPrune } from './prune.js';
import { registerPull } from './pull.js';
import { registerPush } from './push.js';
import { registerRmi } from './rmi.js';
import { registerSave } from './save.js';
import { registerTag } from './tag.js';

type Register = (program: Command, context: (cmd: Command) => CliContext) => void;

const SUBCOMMANDS: readonly [Register, string, string[]][] = [
  [registerImages, 'ls', ['list']],
  [registerRmi, 'rm', ['remove']],
  [registerInspect, 'inspect', []],
  [registerTag, 'tag', []],
  [registerPull, 'pull', []],
  [registerPush, 'push', []],
  [registerSave, 'save', []],
  [registerLoad, 'load', []],
  [registerPrune, 'prune', []],
];

export function registerImage(program: Command, context: (cmd: Command) => CliContext): void {
  const image = program.command('image').description('Manage local images (docker image ls, rm, inspect, ...)');
  for (const [register, name, aliases] of SUBCOMMANDS) {
    register(image, context);
    image.commands.at(-1)!.name(name).aliases(aliases);
  }
}
