// `regctl inspect [--format T] IMAGE...`: what `docker image inspect` shows, from the local store.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

interface InspectFlags {
  format?: string;
}

export function registerInspect(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('inspect')
    .description('Display detailed information on one or more images in the local store')
    .argument('<images...>', 'names or image IDs (prefix)')
    .option('-f, --format <format>', "'json' (one line) or a Go template, e.g. '{{.Id}}' or '{{json .Config.Env}}'")
    .addHelpText(
      'after',
      `
Examples:
  regctl inspect busybox
  regctl inspect --format '{{.Architecture}}/{{.Os}} {{.Size}}' busybox
  regctl inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' app:1.0`,
    )
    .action(async (inputs: string[], flags: InspectFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { listLocalImages } = await import('../../ops/local-image.js');
      const { inspectLocalImage } = await import('../../ops/inspect-image.js');
      const { ArgumentErrors } = await import('../argument-errors.js');
      const { goJson } = await import('../format/go-json.js');
      const template = flags.format && flags.format !== 'json' ? await compileInspectTemplate(flags.format) : undefined;

      const store = await ctx.store({ create: false });
      const images = await listLocalImages(store);
      const errors = new ArgumentErrors();
      const found: object[] = [];
      for (const input of inputs) {
        try {
          found.push(await inspectLocalImage(store, input, images));
        } catch (err) {
          errors.add(err);
        }
      }
      if (template) {
        const lines = found.map((r) => template(r) + '\n').join('');
        ctx.io.stdout.write(lines === '' ? '\n' : lines);
      } else {
        // Like docker: the daemon's JSON (HTML characters escaped), indented by 4, or compact for `json`.
        ctx.out(goJson(found, { escapeHtml: true, ...(flags.format === 'json' ? {} : { indent: '    ' }) }));
      }
      errors.throwIfAny();
    });
}

async function compileInspectTemplate(format: string): Promise<(record: object) => string> {
  const { parseTemplate } = await import('../format/go-template-parse.js');
  const { checkFunctions, executeTemplate } = await import('../format/go-template-exec.js');
  const { BASIC_FUNCS } = await import('../format/go-template-funcs.js');
  const { IMAGE_INSPECT_SHAPE } = await import('../format/image-inspect-shape.js');
  // docker's inspect takes the template as given: no table, no \t escapes.
  const nodes = parseTemplate(format);
  checkFunctions(format, nodes, BASIC_FUNCS);
  return (record) => executeTemplate(format, nodes, { v: record, shape: IMAGE_INSPECT_SHAPE }, BASIC_FUNCS);
}
