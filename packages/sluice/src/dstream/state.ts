/**
 * Spark's State: what mapWithState's function sees of one key's state. It reads and changes the
 * state of that key only; the operator applies the change after the call returns, so a call that
 * throws leaves the state as it was.
 */
export class State<S> {
  private value: S | undefined;
  private present: boolean;
  private updated = false;
  private removed = false;

  constructor(existing: { value: S } | undefined, private readonly timingOut = false) {
    this.present = existing !== undefined;
    this.value = existing?.value;
  }

  exists(): boolean {
    return this.present;
  }

  /** The state; throws when there is none (check exists(), or use getOption()). */
  get(): S {
    if (!this.present) throw new RangeError('State.get(): the key has no state');
    return this.value as S;
  }

  getOption(): S | undefined {
    return this.present ? this.value : undefined;
  }

  update(state: S): void {
    this.mayChange('update');
    this.value = state;
    this.present = true;
    this.updated = true;
  }

  remove(): void {
    this.mayChange('remove');
    this.value = undefined;
    this.present = false;
    this.removed = true;
  }

  /** True in the last call for a key whose timeout expired: it is removed after this call. */
  isTimingOut(): boolean {
    return this.timingOut;
  }

  isUpdated(): boolean {
    return this.updated;
  }

  isRemoved(): boolean {
    return this.removed;
  }

  private mayChange(what: string): void {
    // As in Spark: a timing-out key is removed whatever the function does, and a removed one is gone.
    if (this.timingOut) throw new RangeError(`State.${what}(): the key is timing out; its state cannot change`);
    if (this.removed) throw new RangeError(`State.${what}(): the state was already removed`);
  }
}
