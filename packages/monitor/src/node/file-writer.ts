import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** Appends lines to a file through one stream; `close` waits until everything is on disk. */
export class LineWriter {
  private readonly stream: WriteStream;
  private failure?: Error;

  constructor(readonly path: string, append: boolean) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: append ? 'a' : 'w' });
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  write(line: string): void {
    if (this.failure) throw this.failure;
    this.stream.write(`${line}\n`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.stream.end(() => (this.failure ? reject(this.failure) : resolve()));
    });
  }
}
