import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';

import { ImageRef, imageRefParts } from './image-ref';

describe('imageRefParts', () => {
  it('splits after each / and before the tag or digest, keeping a registry port whole', () => {
    expect(imageRefParts('capstan/node:20-local')).toEqual(['capstan/', 'node', ':20-local']);
    expect(imageRefParts('registry:5000/capstan/node:20-local')).toEqual([
      'registry:5000/',
      'capstan/',
      'node',
      ':20-local',
    ]);
    expect(imageRefParts('nginx')).toEqual(['nginx']);
    expect(imageRefParts('nginx:1.27')).toEqual(['nginx', ':1.27']);
  });
});

describe('<cap-image-ref>', () => {
  it('shows the reference unchanged, with break opportunities only between its parts', async () => {
    const fixture = TestBed.createComponent(ImageRef);
    fixture.componentRef.setInput('ref', 'capstan/node:20-local');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.textContent).toBe('capstan/node:20-local');
    expect(el.querySelectorAll('wbr')).toHaveLength(2);
  });
});
