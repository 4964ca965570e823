import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  type Button,
  type Checkbox,
  type Dropdown,
} from '@vscode/webview-ui-toolkit';
import { groupingLabel, ROW_CHOICES, rowsLabel } from './toolbarLabels';

/**
 * The toolbar: grouping, rows, pause, lock, recentre, cumulative columns. This is the ONLY module
 * that knows about @vscode/webview-ui-toolkit (deprecated); the rest of the webview sees the
 * Toolbar interface below, so swapping in @vscode-elements/elements touches this file alone.
 * Only the four components used are registered, which keeps the bundle small.
 */

export interface ToolbarState {
  readonly tickSize: number;
  readonly groupingChoices: readonly number[];
  readonly groupTicks: number;
  readonly rows: number;
  readonly paused: boolean;
  readonly locked: boolean;
  readonly showCumulative: boolean;
}

export interface ToolbarActions {
  setGrouping(groupTicks: number): void;
  setRows(rows: number): void;
  setPaused(paused: boolean): void;
  setLocked(locked: boolean): void;
  recentre(): void;
  setShowCumulative(show: boolean): void;
}

export interface Toolbar {
  readonly element: HTMLElement;
  update(state: ToolbarState): void;
}

/**
 * Row counts offered, flowsight.maxVisibleRows's default (3000) among them; the current setting is
 * added when it is not one of them.
 */
export { ROW_CHOICES } from './toolbarLabels';

let registered = false;

function registerComponents(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeCheckbox());
}

export function createToolbar(actions: ToolbarActions): Toolbar {
  registerComponents();
  const element = document.createElement('div');
  element.className = 'toolbar';
  element.setAttribute('role', 'toolbar');
  element.setAttribute('aria-label', 'Ladder controls');

  // Programmatic updates must not echo back as user actions (a checkbox emits change when set).
  let updating = false;
  let state: ToolbarState | null = null;

  const labelled = (text: string, control: HTMLElement): void => {
    // A span, not a <label>: a label forwards clicks to the form-associated dropdown a second time.
    const item = document.createElement('span');
    item.className = 'toolbar-item';
    const caption = document.createElement('span');
    caption.className = 'toolbar-label';
    caption.setAttribute('aria-hidden', 'true');
    caption.textContent = text;
    item.append(caption, control);
    element.append(item);
  };

  const grouping = document.createElement('vscode-dropdown') as Dropdown;
  grouping.setAttribute('aria-label', 'Price grouping');
  grouping.title = 'Price grouping: the price step of one ladder row';
  labelled('Group', grouping);
  let groupingKey = '';

  const rows = document.createElement('vscode-dropdown') as Dropdown;
  rows.setAttribute('aria-label', 'Rows');
  rows.title = 'The most rows the ladder holds around the spread';
  labelled('Rows', rows);
  let rowsKey = '';

  const pause = document.createElement('vscode-button') as Button;
  pause.setAttribute('appearance', 'secondary');
  pause.textContent = 'Pause';
  element.append(pause);

  const recentre = document.createElement('vscode-button') as Button;
  recentre.setAttribute('appearance', 'secondary');
  recentre.textContent = 'Recentre';
  recentre.title = 'Centre on the spread and follow it (Home)';
  element.append(recentre);

  const lock = document.createElement('vscode-checkbox') as Checkbox;
  lock.textContent = 'Lock';
  lock.title = 'Keep the spread centred as the market moves';
  element.append(lock);

  const cumulative = document.createElement('vscode-checkbox') as Checkbox;
  cumulative.textContent = 'Cumulative';
  cumulative.title = 'Show cumulative size from the touch';
  element.append(cumulative);

  const fillOptions = (dropdown: Dropdown, values: readonly number[], selected: number, label: (v: number) => string): void => {
    dropdown.replaceChildren(
      ...values.map((value) => {
        const option = document.createElement('vscode-option');
        option.setAttribute('value', String(value));
        if (value === selected) option.setAttribute('selected', '');
        option.textContent = label(value);
        return option;
      }),
    );
  };

  grouping.addEventListener('change', () => {
    const value = Number(grouping.value);
    if (!updating && state !== null && Number.isInteger(value) && value >= 1 && value !== state.groupTicks) actions.setGrouping(value);
  });
  rows.addEventListener('change', () => {
    const value = Number(rows.value);
    if (!updating && state !== null && Number.isInteger(value) && value !== state.rows) actions.setRows(value);
  });
  pause.addEventListener('click', () => {
    if (state !== null) actions.setPaused(!state.paused);
  });
  recentre.addEventListener('click', () => actions.recentre());
  lock.addEventListener('change', () => {
    if (!updating) actions.setLocked(lock.checked);
  });
  cumulative.addEventListener('change', () => {
    if (!updating) actions.setShowCumulative(cumulative.checked);
  });

  return {
    element,
    update(next: ToolbarState): void {
      state = next;
      updating = true;
      try {
        const choices = next.groupingChoices.includes(next.groupTicks) ? next.groupingChoices : [...next.groupingChoices, next.groupTicks].sort((a, b) => a - b);
        const gKey = `${next.tickSize}|${choices.join(',')}`;
        if (gKey !== groupingKey) {
          groupingKey = gKey;
          fillOptions(grouping, choices, next.groupTicks, (g) => groupingLabel(g, next.tickSize));
        }
        if (grouping.value !== String(next.groupTicks)) grouping.value = String(next.groupTicks);

        const rowChoices = ROW_CHOICES.includes(next.rows) ? ROW_CHOICES : [...ROW_CHOICES, next.rows].sort((a, b) => a - b);
        const rKey = rowChoices.join(',');
        if (rKey !== rowsKey) {
          rowsKey = rKey;
          fillOptions(rows, rowChoices, next.rows, rowsLabel);
        }
        if (rows.value !== String(next.rows)) rows.value = String(next.rows);

        const pauseText = next.paused ? 'Resume' : 'Pause';
        if (pause.textContent !== pauseText) pause.textContent = pauseText;
        pause.setAttribute('aria-pressed', String(next.paused));
        pause.title = next.paused ? 'Resume live updates' : 'Pause live updates';
        if (lock.checked !== next.locked) lock.checked = next.locked;
        if (cumulative.checked !== next.showCumulative) cumulative.checked = next.showCumulative;
      } finally {
        updating = false;
      }
    },
  };
}
