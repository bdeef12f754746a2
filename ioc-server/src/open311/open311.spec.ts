import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseForm } from './open311-form.ts';
import { isoLocal, open311StatusOf, parseOpen311Time } from './open311-format.ts';
import { open311Xml } from './open311-xml.ts';
import { requestToken } from './open311.service.ts';

describe('Open311 helpers', () => {
  it('parses a form without letting any key reach a prototype', () => {
    const p = parseForm(
      'service_code=roads&attribute[khan_cap]=co&attribute[loai][]=a&attribute[loai][]=b&constructor=x',
    );
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(Object.getPrototypeOf(p.form)).toBeNull();
    expect(p.form.attributes).toEqual({ khan_cap: ['co'], loai: ['a', 'b'] });
    expect(p.form.constructor).toBe('x');
    const proto = parseForm('__proto__=x&attribute[__proto__]=y');
    expect(proto.ok && Object.getPrototypeOf(proto.form)).toBeNull();
    expect(({} as Record<string, unknown>).y).toBeUndefined();
    expect(parseForm('a=1&a=2').ok).toBe(false);
    expect(parseForm('attribute[k]=1&attribute[k]=2').ok).toBe(false);
    expect(parseForm(Array.from({ length: 201 }, (_, i) => `f${i}=1`).join('&')).ok).toBe(false);
  });

  it('writes times in Huế with +07:00 and reads a client’s', () => {
    expect(isoLocal(new Date('2026-10-27T01:02:03.456Z'))).toBe('2026-10-27T08:02:03+07:00');
    expect(parseOpen311Time('2026-10-27T08:02:03+07:00')?.toISOString()).toBe('2026-10-27T01:02:03.000Z');
    expect(parseOpen311Time('2026-10-27T01:02:03Z')?.toISOString()).toBe('2026-10-27T01:02:03.000Z');
    expect(parseOpen311Time('2026-10-27')?.toISOString()).toBe('2026-10-26T17:00:00.000Z');
    for (const bad of ['2026-02-30', '2026-10-27T25:00:00Z', 'yesterday', '1e9'])
      expect(parseOpen311Time(bad)).toBeNull();
  });

  it('maps our states onto open/closed', () => {
    expect(['resolved', 'closed', 'rejected'].map(open311StatusOf)).toEqual(['closed', 'closed', 'closed']);
    expect(['new', 'assigned', 'in_progress', 'reopened'].map(open311StatusOf)).toEqual([
      'open',
      'open',
      'open',
      'open',
    ]);
  });

  it('gives a retry the same token, another request another', () => {
    const f = (s: string) => new URLSearchParams(s);
    const a = requestToken('k', undefined, f('service_code=roads&lat=16.4&long=107.5'));
    expect(requestToken('k', undefined, f('long=107.5&lat=16.4&service_code=roads&api_key=k'))).toBe(a);
    expect(requestToken('k', undefined, f('service_code=roads&lat=16.41&long=107.5'))).not.toBe(a);
    expect(requestToken('other', undefined, f('service_code=roads&lat=16.4&long=107.5'))).not.toBe(a);
    expect(requestToken('k', 'id-1', f('a=1'))).toBe(requestToken('k', 'id-1', f('a=2')));
  });

  it('writes well-formed XML for hostile text', () => {
    const xml = open311Xml('service_requests', [
      { service_request_id: 'X-1', description: '<b>&"\u0000\u0007</b> ]]>', lat: null },
    ]);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ parseTagValue: false }).parse(xml);
    expect(doc.service_requests.request).toEqual({
      service_request_id: 'X-1',
      description: '<b>&"</b> ]]>',
      lat: '',
    });
  });
});
