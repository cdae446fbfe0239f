#!/usr/bin/env node
// Fails when a dependency points the wrong way (STYLE.md: adapters → app → domain; only main/
// wires). Domain files must import nothing but other domain files: no node:*, no packages.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const LAYERS = ['domain', 'app', 'adapters', 'config', 'log', 'main'];
/** Which layers each layer may import from (besides itself). */
const ALLOWED = {
  domain: [],
  app: ['domain'],
  adapters: ['app', 'domain', 'config', 'log'],
  config: ['domain', 'app', 'adapters'],
  log: [],
  main: LAYERS,
};

function files(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const src = resolve('src');
const layerOf = (path) => relative(src, path).split(/[\\/]/)[0];
const problems = [];
for (const file of files(src)) {
  const layer = layerOf(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
    const spec = match[1];
    if (!spec.startsWith('.')) {
      if (layer === 'domain') problems.push(`${relative('.', file)}: domain must not import "${spec}"`);
      continue;
    }
    const target = layerOf(resolve(dirname(file), spec));
    if (target !== layer && !ALLOWED[layer]?.includes(target)) {
      problems.push(`${relative('.', file)}: ${layer}/ must not import from ${target}/ ("${spec}")`);
    }
  }
}
if (problems.length > 0) {
  console.error(`Dependency direction violated:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('dependency direction: ok');
