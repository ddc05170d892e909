// A progress bar on a terminal (stderr), silent when stderr is not a TTY.

export class Progress {
  private lastDraw = 0;
  private drawn = false;
  private readonly started = Date.now();

  constructor(private readonly enabled: boolean, private readonly totalBytes: number) {}

  update(doneBytes: number, packets: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 150) return;
    this.lastDraw = now;
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? packets / elapsed : 0;
    const width = 30;
    let bar = '';
    let pct = '';
    if (this.totalBytes > 0) {
      const frac = Math.min(1, doneBytes / this.totalBytes);
      const filled = Math.round(frac * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
      pct = `${(frac * 100).toFixed(0).padStart(3)}% `;
    }
    process.stderr.write(`\r${bar}${pct}${packets.toLocaleString('en-US')} packets, ${Math.round(rate).toLocaleString('en-US')} packets/s  `);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) process.stderr.write('\r\x1b[2K');
  }
}
