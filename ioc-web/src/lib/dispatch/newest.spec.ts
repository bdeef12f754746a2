import { describe, expect, it } from 'vitest';
import { isNewerOrSame } from './newest';

describe('isNewerOrSame', () => {
  it('takes the first answer, a later version, the same version again, and another case', () => {
    expect(isNewerOrSame(null, { id: 'a', version: 3 })).toBe(true);
    expect(isNewerOrSame({ id: 'a', version: 3 }, { id: 'a', version: 4 })).toBe(true);
    expect(isNewerOrSame({ id: 'a', version: 3 }, { id: 'a', version: 3 })).toBe(true);
    expect(isNewerOrSame({ id: 'a', version: 3 }, { id: 'b', version: 1 })).toBe(true);
  });

  it('refuses an answer read before a change already shown (a GET sent before an action, answered after it)', () => {
    expect(isNewerOrSame({ id: 'a', version: 4 }, { id: 'a', version: 3 })).toBe(false);
  });
});
