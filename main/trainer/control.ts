/**
 * Pause / resume / cancel for a running loop. The loop calls `gate()` between steps: it returns at
 * once while running, waits while paused, and reports a cancel (which also ends a pause).
 */
export class RunControl {
  private pausedFlag = false;
  private cancelFlag = false;
  private wake: (() => void) | null = null;
  private readonly aborter = new AbortController();

  /** Aborted on cancel: long waits outside the step loop (decoding the images) listen to it. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  get cancelled(): boolean {
    return this.cancelFlag;
  }

  pause(): void {
    this.pausedFlag = true;
  }

  resume(): void {
    this.pausedFlag = false;
    this.wake?.();
  }

  cancel(): void {
    this.cancelFlag = true;
    this.aborter.abort();
    this.wake?.();
  }

  /**
   * Waits while paused. `onPause`/`onResume` run once around a wait (to emit events); returns the
   * milliseconds spent paused and whether to stop.
   */
  async gate(onPause?: () => void, onResume?: () => void): Promise<{ stop: boolean; pausedMs: number }> {
    if (this.cancelFlag) return { stop: true, pausedMs: 0 };
    if (!this.pausedFlag) return { stop: false, pausedMs: 0 };
    const t0 = performance.now();
    onPause?.();
    while (this.pausedFlag && !this.cancelFlag) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
    if (!this.cancelFlag) onResume?.();
    return { stop: this.cancelFlag, pausedMs: performance.now() - t0 };
  }
}
