import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { shellQuote } from '../src/shell-quote.js';

test('a quoted word reaches the command as itself, whatever it holds', () => {
  assert.equal(shellQuote('runs/al-demo_1'), 'runs/al-demo_1');
  for (const word of ['runs/$(touch pwned)', "it's here", 'a b`id`;|&*', '']) {
    const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(word)}`], {
      encoding: 'utf8',
    });
    assert.equal(echoed, word);
  }
});
