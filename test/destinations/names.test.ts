import { describe, expect, it } from 'vitest';
import { destinationNames } from '../../src/destinations/names.js';
import { destinationManifests } from '../../src/destinations/registry.js';

describe('destination names', () => {
  it('are the registry manifests’ ids and titles, in its order', () => {
    expect(destinationNames).toEqual(
      destinationManifests.map((manifest) => ({ id: manifest.id, title: manifest.title })),
    );
  });
});
