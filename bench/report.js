'use strict';

/** Prints bench/results.json (or the file given) as Markdown tables, for docs/performance.md. */
const fs = require('node:fs');
const path = require('node:path');

const file = process.argv[2] || path.join(__dirname, 'results.json');
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 100) / 100)) : v === null || v === undefined ? 'n/a' : String(v));
const m = r.machine || {};
const out = [
  `Run: ${r.mode}, ${r.startedAt} (${r.durationSeconds} s); ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}; machine ${m.backgroundBusyPercentBeforeRun} % busy before the run.`,
  '',
  '| scenario | figure | measured | target | result |',
  '|---|---|---|---|---|',
  ...r.figures.map((f) => `| ${f.scenario} | ${f.figure} | ${fmt(f.value)}${f.unit ? ` ${f.unit}` : ''} | ${f.targetText} | ${f.pass === null ? '' : f.pass ? 'pass' : '**FAIL**'} |`),
];
if (r.errors.length) out.push('', ...r.errors.map((e) => `- error in ${e.scenario}: ${e.error.split('\n')[0]}`));
process.stdout.write(`${out.join('\n')}\n`);
