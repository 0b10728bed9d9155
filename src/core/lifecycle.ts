/** Something that holds resources until it is disposed. Shape-compatible with `vscode.Disposable`. */
export interface IDisposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/** Base class for long-lived objects: everything passed to `_register` is disposed with it. */
export abstract class Disposable implements IDisposable {
  private readonly _disposables: IDisposable[] = [];
  private _isDisposed = false;

  protected get isDisposed(): boolean {
    return this._isDisposed;
  }

  protected _register<T extends IDisposable>(d: T): T {
    if (this._isDisposed) {
      d.dispose();
    } else {
      this._disposables.push(d);
    }
    return d;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const d of this._disposables.splice(0).reverse()) {
      d.dispose();
    }
  }
}

type Listener<T> = (value: T) => void;

/** A minimal typed event emitter, shaped like `vscode.EventEmitter` so adapters can pass `event` through. */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<Listener<T>>();

  readonly event = (listener: Listener<T>): IDisposable => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      l(value);
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
