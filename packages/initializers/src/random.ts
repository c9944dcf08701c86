import { requireFinite } from '@gs/core';

/**
 * A small seeded random number generator that runs on the host, so an initializer gives the same
 * numbers on every backend (cpu, wasm, webgpu) and `Initializer.apply` can stay synchronous (tfjs
 * calls it synchronously, and reading a device tensor back is impossible there on WebGPU in Node).
 *
 * Generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * 2021), 128-bit state seeded through splitmix32. Doubles take 53 bits from two outputs; normal
 * draws use the Box–Muller transform (Box & Muller 1958).
 */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /** `seed`: any finite number (its 32-bit integer part and fraction bits are mixed in). */
  constructor(seed: number) {
    requireFinite('SeededRandom', 'seed', seed);
    // splitmix32 spreads one 32-bit seed over the four state words (never all zero).
    let x = (Math.floor(seed) ^ Math.floor((seed % 1) * 2 ** 32)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotateLeft(this.s3, 11);
    return result;
  }

  /** A double uniform in the open interval (0, 1), 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low + 0.5) / 9007199254740992;
  }

  /** A standard normal draw N(0, 1) (Box–Muller, both values of a pair used). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

/** A seed for an unseeded initializer: a fresh 32-bit integer each call. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
