import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyService } from '../../../local/soak/service-copy.js';

const original = readFileSync(new URL('../../../serverless.yml', import.meta.url), 'utf8');

describe('Soak: its copy of the service', () => {
  it('copies serverless.yml unchanged (the timeout is a parameter) and links node_modules', () => {
    // Act
    const copy = copyService('soak-copy-test');
    try {
      const copied = readFileSync(join(copy.dir, 'serverless.yml'), 'utf8');

      // Assess
      expect(copied).toBe(original);
      expect(copied).toMatch(/^ {2}consumeTimeout: \$\{param:consumeTimeout, 30\}$/m);
      expect(lstatSync(join(copy.dir, 'node_modules')).isSymbolicLink()).toBe(true);
      expect(existsSync(join(copy.dir, 'functions', 'consume', 'handler.ts'))).toBe(true);
      expect(existsSync(join(copy.dir, '.git'))).toBe(false);
    } finally {
      copy.remove();
    }
    expect(existsSync(copy.dir)).toBe(false);
  });
});
