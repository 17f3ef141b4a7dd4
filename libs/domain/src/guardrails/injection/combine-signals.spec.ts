import { combineSignals } from './combine-signals';
import { type InjectionSignal, type InjectionSignalName } from './injection-signal';

const signal = (name: InjectionSignalName, weight: number, start = 0, end = 1): InjectionSignal => ({
  name,
  weight,
  start,
  end,
});

describe('combineSignals', () => {
  it('is 0 without signals and the weight itself for one signal', () => {
    expect(combineSignals([])).toBe(0);
    expect(combineSignals([signal('instruction-override', 0.85)])).toBe(0.85);
  });

  it('combines kinds as a noisy-OR', () => {
    expect(combineSignals([signal('delimiter-injection', 0.45), signal('model-directive', 0.45)])).toBeCloseTo(
      1 - 0.55 * 0.55,
      4,
    );
  });

  it('counts repeats of one kind at half, a quarter, ... of their weight', () => {
    const three = [signal('homoglyphs', 0.4, 0, 1), signal('homoglyphs', 0.4, 2, 3), signal('homoglyphs', 0.4, 4, 5)];
    expect(combineSignals(three)).toBeCloseTo(1 - 0.6 * 0.8 * 0.9, 4);
  });

  it('counts overlapping signals of one kind once, keeping the stronger', () => {
    expect(combineSignals([signal('prompt-extraction', 0.6, 0, 10), signal('prompt-extraction', 0.85, 5, 15)])).toBe(
      0.85,
    );
  });

  it('never leaves 0..1', () => {
    const many = Array.from({ length: 40 }, (_, index) => signal('covert-action', 2, index * 2, index * 2 + 1));
    expect(combineSignals(many)).toBeLessThanOrEqual(1);
    expect(combineSignals([signal('covert-action', -1)])).toBe(0);
  });
});
