import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyService } from '../../../local/soak/service-copy.js';

const original = readFileSync(new URL('../../../serverless.yml', import.meta.url), 'utf8');

describe('Soak: its copy of the service', () => {
  it("sets consume's timeout in the copy's serverless.yml and nothing else, and links node_modules", () => {
    // Act
    const copy = copyService('soak-copy-test', 3);
    try {
      const copied = readFileSync(join(copy.dir, 'serverless.yml'), 'utf8');

      // Assess
      expect(copied).toMatch(/^ {2}consumeTimeout: 3$/m);
      expect(copied.replace(/^ {2}consumeTimeout: \d+$/m, '')).toBe(
        original.replace(/^ {2}consumeTimeout: \d+$/m, ''),
      );
      expect(original).not.toMatch(/^ {2}consumeTimeout: 3$/m);
      expect(lstatSync(join(copy.dir, 'node_modules')).isSymbolicLink()).toBe(true);
      expect(existsSync(join(copy.dir, 'functions', 'consume', 'handler.ts'))).toBe(true);
      expect(existsSync(join(copy.dir, '.git'))).toBe(false);
    } finally {
      copy.remove();
    }
    expect(existsSync(copy.dir)).toBe(false);
  });
});
