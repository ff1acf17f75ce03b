import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commonDestinationFields, globalFields } from '../../src/config/common-fields.js';
import { destinationManifests, loadDestinations } from '../../src/destinations/registry.js';

const example = readFileSync(new URL('../../config.example.yaml', import.meta.url), 'utf8');
const document = parse(example) as Record<string, Record<string, unknown>>;
// Commented-out optional keys count as documented: "# key: value".
const documentedKeys = (section: string) => {
  const block = example.split(/^(?=\S)/m).find((part) => part.startsWith(`${section}:`)) ?? '';
  return new Set([...block.matchAll(/^\s+#?\s*([a-z_]+):/gm)].map((match) => match[1]));
};

describe('config.example.yaml', () => {
  it('documents every global key with its environment variable', () => {
    for (const [key, { env }] of Object.entries(globalFields)) {
      expect(Object.keys(document)).toContain(key);
      expect(example).toContain(env);
    }
  });

  it('documents every option of every registered destination, and nothing else', () => {
    for (const destination of destinationManifests) {
      const keys = documentedKeys(destination.id);
      const expected = [...Object.keys(commonDestinationFields), ...Object.keys(destination.fields)];
      for (const key of expected) {
        expect(keys, `${destination.id}.${key}`).toContain(key);
        expect(example, `${destination.id}.${key} env`).toContain(
          `${destination.envPrefixes[0]}_${key.toUpperCase()}`,
        );
      }
      for (const key of keys) expect(expected, `${destination.id}.${key} is not an option`).toContain(key);
    }
  });
});

describe('destination registry', () => {
  it('has exactly one entry per folder under src/destinations/', () => {
    const folders = readdirSync(new URL('../../src/destinations/', import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(destinationManifests.map((manifest) => manifest.id).sort()).toEqual(folders);
  });

  it('loads, for each manifest, the destination of the same id', async () => {
    const loaded = await loadDestinations();
    expect(loaded.map((destination) => destination.id)).toEqual(
      destinationManifests.map((manifest) => manifest.id),
    );
  });
});

describe('version', () => {
  it('is the one in package.json', async () => {
    const { VERSION } = await import('../../src/version.js');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});

describe('npm run demo', () => {
  it('gives every registered destination the settings its dry run needs', async () => {
    const { DEMO_SETTINGS } = await import('../../scripts/demo-settings.js');
    expect(Object.keys(DEMO_SETTINGS).sort()).toEqual(
      destinationManifests.map((manifest) => manifest.id).sort(),
    );
  });
});
