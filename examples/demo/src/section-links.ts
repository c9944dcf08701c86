import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SECTION_FILES: Array<[file: string, title: string]> = [
  ['atlas.md', 'The vanishing/exploding phase diagram (atlas): σ_w² × depth with the mean-field critical line'],
  ['depth.md', 'Depth records: 200- and 1000-layer plain tanh nets at criticality, 1000-layer residual nets'],
  ['sequence.md', 'The sequence case: exploding gradients in recurrent nets (adding problem, T = 100)'],
];

/** Links to the section reports (`--only atlas|depth|sequence`) found next to report.md. */
export function sectionLinks(directory: string): string {
  const found = SECTION_FILES.filter(([file]) => existsSync(join(directory, file)));
  if (found.length === 0) return '';
  return `## More in this report folder\n\n${found.map(([file, title]) => `- [${title}](${file})`).join('\n')}\n\n`;
}
