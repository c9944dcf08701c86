import { describe, expect, it } from 'vitest';
import { calculateGain, gainSquared } from './gain.js';
import { computeFans } from './fans.js';

describe('calculateGain', () => {
  it("matches PyTorch's table", () => {
    // torch.nn.init.calculate_gain: linear/conv/sigmoid 1, tanh 5/3, relu sqrt(2),
    // leaky_relu sqrt(2 / (1 + 0.01**2)) by default, selu 3/4.
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('conv2d')).toBe(1);
    expect(calculateGain('sigmoid')).toBe(1);
    expect(calculateGain('tanh')).toBe(5 / 3);
    expect(calculateGain('relu')).toBe(Math.SQRT2);
    expect(calculateGain('leakyRelu')).toBeCloseTo(1.4141428569978354, 15); // torch: calculate_gain('leaky_relu')
    expect(calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
    expect(calculateGain('leakyRelu', 0)).toBe(Math.SQRT2);
    expect(calculateGain('selu')).toBe(0.75);
  });

  it('gainSquared is the exact square (2 for relu, 25/9 for tanh)', () => {
    expect(gainSquared('relu')).toBe(2);
    expect(gainSquared('tanh')).toBe(25 / 9);
    expect(gainSquared('selu')).toBe(9 / 16);
    for (const name of ['linear', 'tanh', 'relu', 'leakyRelu', 'selu']) {
      expect(calculateGain(name) ** 2).toBeCloseTo(gainSquared(name), 14);
    }
  });

  it('names the known nonlinearities when given an unknown one, and rejects a bad slope', () => {
    expect(() => calculateGain('swish')).toThrow(
      /calculateGain: nonlinearity must be one of "linear", "conv1d", "conv2d", "conv3d", "sigmoid", "tanh", "relu", "leakyRelu", "selu", got "swish"/,
    );
    expect(() => calculateGain('leakyRelu', Number.NaN)).toThrow(/param must be a finite number, got NaN/);
  });
});

describe('computeFans', () => {
  it('uses the tfjs layouts: dense [in, out], conv [...k, in, out]', () => {
    expect(computeFans([64, 32])).toEqual({ fanIn: 64, fanOut: 32 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([5, 8, 4])).toEqual({ fanIn: 40, fanOut: 20 });
    expect(computeFans([2, 3, 3, 4, 6])).toEqual({ fanIn: 72, fanOut: 108 });
    expect(computeFans([10])).toEqual({ fanIn: 10, fanOut: 10 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
  });
});
