import * as vscode from 'vscode';
import { logText } from '../engine/core/untrustedText';
import { Disposable } from './disposable';
import { userOnlyValuesInSettingsFile } from './settingsModel';

/** A settings file larger than this is not a settings file anyone wrote by hand; it is not read. */
const MAX_SETTINGS_FILE_BYTES = 1 << 20;

/**
 * What the workspace's settings files write for the user-only settings (feed, streamUrl, restUrl).
 * VS Code never applies those values (they are `machine` scope) and never shows them to an
 * extension, so a repository could try to redirect the feed without anyone noticing: this reads
 * the files themselves, only so that the attempt is reported. The values are never used.
 */
export class WorkspaceSettingsFiles extends Disposable {
  private values: ReadonlyMap<string, unknown> = new Map();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private reading: Promise<void> = Promise.resolve();

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/.vscode/settings.json'));
    for (const event of [watcher.onDidCreate, watcher.onDidChange, watcher.onDidDelete]) this.register(event(() => this.refresh()));
    const workspaceFile = vscode.workspace.workspaceFile;
    if (workspaceFile?.scheme === 'file') {
      const fileWatcher = this.register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(workspaceFile, '..'), workspaceFile.path.split('/').pop()!)));
      this.register(fileWatcher.onDidChange(() => this.refresh()));
    }
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()));
    this.refresh();
  }

  /** The user-only settings a workspace file writes, by key without the section. */
  get current(): ReadonlyMap<string, unknown> {
    return this.values;
  }

  /** Reads the files again (one read at a time); fires onDidChange when what they write changed. */
  refresh(): Promise<void> {
    this.reading = this.reading.then(() => this.read());
    return this.reading;
  }

  private async read(): Promise<void> {
    if (this.disposed) return;
    const found = new Map<string, unknown>();
    const workspaceFile = vscode.workspace.workspaceFile;
    if (workspaceFile?.scheme === 'file') for (const [k, v] of userOnlyValuesInSettingsFile(await this.text(workspaceFile), 'settings')) found.set(k, v);
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const [k, v] of userOnlyValuesInSettingsFile(await this.text(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json')))) if (!found.has(k)) found.set(k, v);
    }
    if (this.disposed || sameEntries(found, this.values)) return;
    this.values = found;
    this.changed.fire();
  }

  private async text(uri: vscode.Uri): Promise<string> {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_SETTINGS_FILE_BYTES) {
        this.log.warn(logText(`${uri.fsPath} is ${stat.size} bytes; not read for FlowSight's settings`));
        return '';
      }
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return '';
    }
  }
}

function sameEntries(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => JSON.stringify(b.get(k)) === JSON.stringify(v));
}
