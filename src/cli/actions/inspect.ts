// What `regctl inspect` does once its flags are parsed (the registration is commands/inspect.ts):
// what `docker image inspect` shows, from the local store.
import { inspectLocalImage } from '../../ops/inspect-image.js';
import { listLocalImages } from '../../ops/local-image.js';
import { ArgumentErrors } from '../argument-errors.js';
import type { CliContext } from '../context.js';
import { goJson } from '../format/go-json.js';
import { checkFunctions, executeTemplate } from '../format/go-template-exec.js';
import { BASIC_FUNCS } from '../format/go-template-funcs.js';
import { parseTemplate } from '../format/go-template-parse.js';
import { IMAGE_INSPECT_SHAPE } from '../format/image-inspect-shape.js';

export interface InspectFlags {
  format?: string;
}

export async function runInspect(ctx: CliContext, inputs: readonly string[], flags: InspectFlags): Promise<void> {
  const template = flags.format && flags.format !== 'json' ? compileInspectTemplate(flags.format) : undefined;

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
}

function compileInspectTemplate(format: string): (record: object) => string {
  // docker's inspect takes the template as given: no table, no \t escapes.
  const nodes = parseTemplate(format);
  checkFunctions(format, nodes, BASIC_FUNCS);
  return (record) => executeTemplate(format, nodes, { v: record, shape: IMAGE_INSPECT_SHAPE }, BASIC_FUNCS);
}
