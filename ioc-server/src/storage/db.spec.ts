import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './db.ts';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable: the database cannot serve now, as opposed to "this cannot be stored"', () => {
  it.each([
    [
      'server gone (connect refused)',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['pg: the socket closed mid-query', new Error('Connection terminated unexpectedly')],
    ['pg-pool: connect timeout', new Error('timeout exceeded when trying to connect')],
    ['admin shutdown 57P01', pgError('57P01', 'terminating connection due to administrator command')],
    ['cannot connect now 57P03', pgError('57P03', 'the database system is starting up')],
    ['too many connections 53300', pgError('53300', 'sorry, too many clients already')],
    ['disk full 53100', pgError('53100', 'could not extend file')],
    ['connection failure 08006', pgError('08006', 'connection failure')],
    ['serialization failure 40001', pgError('40001', 'could not serialize access')],
    ['wrapped in a cause', new Error('storing batch failed', { cause: new Error('Connection terminated') })],
  ])('%s: unavailable', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['NUL in text 22021', pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['bad jsonb 22P02', pgError('22P02', 'invalid input syntax for type json')],
    ['unique violation 23505', pgError('23505', 'duplicate key value violates unique constraint')],
    ['a bug: undefined column 42703', pgError('42703', 'column "x" does not exist')],
    ['a plain error', new Error('Cannot read properties of undefined')],
    ['not an error', 'connection terminated'],
    ['nothing', undefined],
  ])('%s: not unavailable', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
