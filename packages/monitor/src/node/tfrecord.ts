import { invalidOption } from '@gs/core';
import CRC32C from 'crc-32/crc32c.js';

/** The constant TFRecord adds to the rotated CRC (`kMaskDelta` in TensorFlow's crc32c.h). */
const MASK_DELTA = 0xa282ead8;

/**
 * The masked CRC-32C TFRecord files store: the Castagnoli CRC of `data`, rotated right by 15 bits,
 * plus 0xa282ead8 (mod 2³²). Masking keeps a CRC of data that itself contains CRCs from being
 * trivially predictable.
 *
 * Formula: `mask(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8`.
 * Source: TensorFlow `tsl/lib/hash/crc32c.h` (`Mask`); TensorBoard
 * `compat/tensorflow_stub/pywrap_tensorflow.py` (`masked_crc32c`).
 *
 * @example
 * maskedCrc32c(new TextEncoder().encode('123456789')); // of CRC-32C 0xe3069283
 */
export function maskedCrc32c(data: Uint8Array): number {
  requireBytes('maskedCrc32c', data);
  const crc = CRC32C.buf(data) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/**
 * Frames one record the way TFRecord files (and so TensorBoard event files) store it, all
 * little-endian: `uint64 length`, `uint32 maskedCrc32c(length bytes)`, the data, `uint32
 * maskedCrc32c(data)`.
 *
 * Source: TensorBoard `summary/writer/record_writer.py`; TensorFlow `core/lib/io/record_writer.cc`.
 *
 * @example
 * const bytes = tfRecord(encodedEvent); // append to an events.out.tfevents.* file
 */
export function tfRecord(data: Uint8Array): Uint8Array {
  requireBytes('tfRecord', data);
  const record = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(record.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(record.subarray(0, 8)), true);
  record.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return record;
}

function requireBytes(where: string, data: unknown): void {
  if (!(data instanceof Uint8Array)) invalidOption(where, 'data', 'a Uint8Array', data);
}
