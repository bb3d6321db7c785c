import { describe, expect, it } from 'vitest';

import { asFloat32, PathTable } from '../src/city/model';
import { decodeBase64, LabCityModel } from '../src/widgets/citymodel';
import { reconnectDelayMs } from '../src/panel/events';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const reply = () => ({
  state: {
    dir_names: '\napp',
    file_names: 'README.md\ncore.py',
    file_dirs: b64(new Uint8Array(new Uint32Array([0, 1]).buffer)),
    heights: b64(new Uint8Array(new Float32Array([1.5, 7]).buffer)),
    selected: '',
    title: 't'
  },
  binary: ['file_dirs', 'heights'],
  paths: 2
});

describe('LabCityModel (the anywidget model over REST state)', () => {
  it('decodes base64 traits into typed arrays the renderer reads', () => {
    const model = new LabCityModel(
      reply(),
      () => ({}),
      () => ''
    );
    expect(Array.from(asFloat32(model.get('heights')))).toEqual([1.5, 7]);
    const paths = new PathTable(model);
    expect(paths.path(1)).toBe('app/core.py');
    expect(paths.find('README.md')).toBe(0);
    expect(decodeBase64(b64(new Uint8Array([1, 2, 255])))).toEqual(
      new Uint8Array([1, 2, 255])
    );
  });

  it('signals changes and removes listeners', () => {
    const model = new LabCityModel(
      reply(),
      () => ({}),
      () => ''
    );
    const seen: unknown[] = [];
    const cb = (v: unknown) => seen.push(v);
    model.on('change:selected', cb);
    model.set('selected', 'app/core.py');
    model.off('change:selected', cb);
    model.set('selected', '');
    expect(seen).toEqual(['app/core.py']);
  });

  it('updates only the traits that changed, keeping the selection', () => {
    const model = new LabCityModel(
      reply(),
      () => ({}),
      () => ''
    );
    model.set('selected', 'app/core.py');
    const changed: string[] = [];
    for (const name of ['heights', 'title', 'selected', 'dir_names']) {
      model.on(`change:${name}`, () => changed.push(name));
    }
    const next = reply();
    next.state.heights = b64(new Uint8Array(new Float32Array([2, 3]).buffer));
    next.state.title = 'u';
    model.update(next);
    expect(changed.sort()).toContain('title');
    expect(changed).toContain('heights');
    expect(changed).not.toContain('selected');
    expect(model.get('selected')).toBe('app/core.py');
  });

  it('answers tooltip detail requests like the kernel does', async () => {
    const model = new LabCityModel(
      reply(),
      path => ({ path, loc: 3 }),
      id => (id === 1 ? 'app/core.py' : '')
    );
    const got = new Promise(resolve => model.on('msg:custom', resolve));
    model.send({ type: 'details', id: 1 });
    expect(await got).toEqual({
      type: 'details',
      id: 1,
      metrics: { path: 'app/core.py', loc: 3 }
    });
  });
});

describe('events', () => {
  it('reconnects with a doubling delay capped at 30 s', () => {
    expect([0, 1, 2, 5, 10].map(reconnectDelayMs)).toEqual([
      1000, 2000, 4000, 30000, 30000
    ]);
  });
});

describe('LabCityModel.refreshDetails (people moved in or out)', () => {
  it('sends the renderer fresh tooltip details of the buildings named', () => {
    let here = '';
    const model = new LabCityModel(
      reply(),
      path => (here && path === 'app/core.py' ? { 'here now': here } : {}),
      id => ['README.md', 'app/core.py'][id] ?? ''
    );
    const sent: any[] = [];
    model.on('msg:custom', (msg: unknown) => sent.push(msg));
    here = 'Ann';
    model.refreshDetails([1, -1]);
    expect(sent).toEqual([
      { type: 'details', id: 1, metrics: { 'here now': 'Ann' } }
    ]);
  });
});
