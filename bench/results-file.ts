/**
 * Sections of bench/RESULTS.md written by other scripts than `npm run bench` (the lost-updates
 * count, `npm run bench:lost-updates`): each sits between `<!-- section:NAME -->` and
 * `<!-- /section:NAME -->`, is replaced in place when its script runs again, and is carried over
 * when `npm run bench` rewrites the file.
 *
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const SECTION = /<!-- section:([a-z0-9-]+) -->[\s\S]*?<!-- \/section:\1 -->\n?/g;

/** The marked sections of `text`, in order. */
export function sections(text: string): string[] {
  return [...text.matchAll(SECTION)].map((m) => m[0].endsWith('\n') ? m[0] : `${m[0]}\n`);
}

/** Puts `block` (a marked section) into `report`: in place of its old copy, or before `## All ratios`, or at the end. */
export function withSection(report: string, block: string): string {
  const name = /<!-- section:([a-z0-9-]+) -->/.exec(block)?.[1];
  if (!name) throw new Error('withSection: the block has no <!-- section:NAME --> marker');
  const old = new RegExp(`<!-- section:${name} -->[\\s\\S]*?<!-- /section:${name} -->\\n?`);
  if (old.test(report)) return report.replace(old, () => block);
  const anchor = report.indexOf('\n## All ratios');
  return anchor >= 0 ? `${report.slice(0, anchor + 1)}${block}\n${report.slice(anchor + 1)}` : `${report.trimEnd()}\n\n${block}`;
}

/** Writes `block` into the file at `path` (created when missing). */
export function writeSection(path: string, block: string): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Tessera benchmark results\n';
  writeFileSync(path, withSection(current, block));
}

/** `report` with every marked section of the file at `path` carried over. */
export function keepSections(path: string, report: string): string {
  if (!existsSync(path)) return report;
  return sections(readFileSync(path, 'utf8')).reduce(withSection, report);
}

/** Wraps `markdown` as the section `name`. */
export function section(name: string, markdown: string): string {
  return `<!-- section:${name} -->\n${markdown.trimEnd()}\n<!-- /section:${name} -->\n`;
}
