'use strict';
// What the demo window looks like: the workspace folder VS Code opens and the user settings.
// code-server's DEFAULT_SETTINGS (scripts/vscode/codeServer.js) already keep the window clean
// (no welcome page, no AI chat, no secondary side bar, no telemetry or update checks); these add
// the demo's FlowSight settings and the theme.

const fs = require('fs');
const path = require('path');
const { THEMES } = require('./options');
const { demoPaths } = require('./demoPaths');

/**
 * Write the workspace folder. openPanelOnStartup lives in the workspace's own settings, so the
 * panel opens "in this workspace" — a person who opens another folder in the same window does not
 * get it; --no-open-panel writes false here.
 */
function prepareWorkspace({ openPanel, dir = demoPaths.workspace }) {
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.vscode', 'settings.json'),
    JSON.stringify({ 'flowsight.openPanelOnStartup': openPanel }, null, 2) + '\n',
  );
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    '# FlowSight demo workspace\n\n' +
      'Written by `npm run demo` (rewritten on every run). Its `.vscode/settings.json` opens the\n' +
      'FlowSight order book when the window opens; the market settings are in the user settings.\n' +
      'Try the FlowSight icon in the activity bar (Connection Health) and `F1` → `FlowSight:`.\n',
  );
  return dir;
}

/** User settings for this run (written into a fresh user-data folder by startCodeServer). */
function userSettings({ market, theme }) {
  return {
    ...market.settings,
    ...(theme ? { 'workbench.colorTheme': THEMES[theme] } : {}),
    // a folder inside the repository's .cache: do not offer the parent git repository
    'git.enabled': false,
    // the panel is the point: keep its editor group free of distractions
    'workbench.editor.enablePreview': false,
    'breadcrumbs.enabled': false,
    'workbench.layoutControl.enabled': false,
    'window.commandCenter': false,
  };
}

module.exports = { prepareWorkspace, userSettings };
