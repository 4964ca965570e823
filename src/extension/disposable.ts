import type * as vscode from 'vscode';

/**
 * Owns child disposables: disposing the owner disposes every child, in reverse order of
 * registration. Registering on an owner that is already disposed disposes the child at once, so a
 * late timer or listener can never outlive its owner.
 */
export abstract class Disposable implements vscode.Disposable {
  private readonly children: vscode.Disposable[] = [];
  private isDisposed = false;

  protected get disposed(): boolean {
    return this.isDisposed;
  }

  protected register<T extends vscode.Disposable>(child: T): T {
    if (this.isDisposed) child.dispose();
    else this.children.push(child);
    return child;
  }

  /** Wraps a function (e.g. a disposer returned by the engine) as an owned child. */
  protected registerFn(dispose: () => void): void {
    this.register({ dispose });
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    while (this.children.length > 0) {
      try {
        this.children.pop()!.dispose();
      } catch {
        // One child failing to dispose must not keep the others alive.
      }
    }
  }
}

/** A timer owned as a disposable. */
export function intervalDisposable(callback: () => void, ms: number): vscode.Disposable {
  const handle = setInterval(callback, ms);
  return { dispose: () => clearInterval(handle) };
}
