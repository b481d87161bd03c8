// How `regctl artifact list` prints referrers, after `oras discover`: a table of artifact type
// and digest under "Discovered N artifacts referencing REF" (oras's table view), a tree of
// referrers of referrers with --recursive (oras's tree view), or JSON in the shape of a
// referrers index (`manifests`, each with its own `referrers` when recursive). cosign's
// tag-scheme objects are rows too, typed "cosign signature" etc. and named by their tag; in
// JSON they are kept apart under `cosign`, so `manifests` stays what a registry would list.
import type { Descriptor } from '../../oci/manifest.js';
import { OCI_IMAGE_INDEX } from '../../oci/media-types.js';
import type { ReferrerNode } from '../../ops/artifact/list.js';
import { escapeControls } from '../terminal-text.js';

/** What a row calls a referrer: its artifactType, cosign's kind, or oras's `<unknown>`. */
export function typeOf(node: ReferrerNode): string {
  if (node.cosign) return `cosign ${node.cosign.kind}`;
  return node.descriptor.artifactType ? escapeControls(node.descriptor.artifactType) : '<unknown>';
}

const tagNote = (node: ReferrerNode) => (node.cosign ? ` (tag ${node.cosign.tag})` : '');

export function referrersTable(subjectName: string, subject: Descriptor, nodes: readonly ReferrerNode[]): string {
  const n = nodes.length;
  const lines = [`Discovered ${n} ${n > 1 ? 'artifacts' : 'artifact'} referencing ${subjectName}`, `Digest: ${subject.digest}`];
  if (n > 0) {
    const title = 'Artifact Type';
    const width = Math.max(title.length, ...nodes.map((node) => typeOf(node).length));
    const row = (key: string, value: string) => `${key.padEnd(width)}   ${value}`;
    lines.push('', row(title, 'Digest'), ...nodes.map((node) => row(typeOf(node), `${node.descriptor.digest}${tagNote(node)}`)));
  }
  return lines.join('\n') + '\n';
}

/** oras's tree: each referrer as its type, with its digest under it and its own referrers under that. */
export function referrersTree(root: string, nodes: readonly ReferrerNode[]): string {
  const lines = [root];
  const walk = (children: readonly ReferrerNode[], indent: string) => {
    children.forEach((node, i) => {
      const last = i === children.length - 1;
      lines.push(`${indent}${last ? '└── ' : '├── '}${typeOf(node)}${tagNote(node)}`);
      const under = indent + (last ? '    ' : '│   ');
      lines.push(`${under}└── ${node.descriptor.digest}`);
      walk(node.referrers, `${under}    `);
    });
  };
  walk(nodes, '');
  return lines.join('\n') + '\n';
}

interface JsonEntry extends Descriptor {
  referrers?: JsonEntry[];
  cosign?: JsonCosign[];
}
interface JsonCosign extends JsonEntry {
  kind: string;
  tag: string;
}

function entries(nodes: readonly ReferrerNode[], recursive: boolean): { manifests: JsonEntry[]; cosign: JsonCosign[] } {
  const manifests: JsonEntry[] = [];
  const cosign: JsonCosign[] = [];
  for (const node of nodes) {
    const nested = recursive ? entries(node.referrers, true) : undefined;
    const entry: JsonEntry = {
      ...node.descriptor,
      ...(nested ? { referrers: nested.manifests } : {}),
      ...(nested && nested.cosign.length > 0 ? { cosign: nested.cosign } : {}),
    };
    if (node.cosign) cosign.push({ kind: node.cosign.kind, tag: node.cosign.tag, ...entry });
    else manifests.push(entry);
  }
  return { manifests, cosign };
}

export function referrersJson(nodes: readonly ReferrerNode[], recursive: boolean): string {
  const { manifests, cosign } = entries(nodes, recursive);
  return JSON.stringify({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests, ...(cosign.length > 0 ? { cosign } : {}) }, null, 2) + '\n';
}
