// Messages that arrive from another thread, taken one at a time in arrival order: `next` waits
// while none is there. One reader at a time.
export class Mailbox<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;

  // Adds a message; `first` puts it before those waiting (a stop that must not queue).
  put(item: T, first = false): void {
    if (first) this.items.unshift(item);
    else this.items.push(item);
    this.wake?.();
  }

  async next(): Promise<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) return item;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}
