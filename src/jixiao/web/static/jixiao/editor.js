/*
 * Jixiao (绩效) evaluation editor: the browser side of the self-evaluation form.
 *
 * The page provides <div id="editor" data-…-url data-mode data-csrf> and a JSON
 * <script id="editor-data">. This file renders the document as a form, keeps the
 * typed document as plain JSON (numbers stay the strings the user typed: the
 * server parses exact decimals), asks the server to analyse it after each change
 * and saves it automatically.
 *
 * Two rules shape everything below:
 *  - Inputs are rendered once (and again only after a structure change the user
 *    asked for). Analysis results only touch derived cells, notes, classes and
 *    titles, so focus, caret and keystrokes typed while a request is in flight
 *    are never lost.
 *  - Derived figures (rates, scores, weights, the reported block) are never typed
 *    and never written into the document; they are shown from analysis.settled.
 */
(() => {
  'use strict';

  const ANALYSE_DELAY_MS = 400;
  const AUTOSAVE_DELAY_MS = 2000;
  const RETRY_FIRST_MS = 2000;
  const RETRY_MAX_MS = 60000;
  const FLASH_MS = 1800;

  const KIND_NAMES = { department: '部门整体支出绩效自评', project: '项目支出绩效自评' };
  const SEVERITIES = [['error', '错误'], ['warning', '警告'], ['info', '提示']];
  const STATUS_OPTIONS = ['完成', '部分完成', '未完成'];
  const MODE_NAMES = { edit: '编辑', view: '只读', review: '审核' };

  // ------------------------------------------------------------------ paths
  // Paths use the server's syntax: tasks[4].rate, indicators[0].children[1].

  function parsePath(path) {
    const out = [];
    const re = /([A-Za-z_]+)|\[(\d+)\]/g;
    let m;
    while ((m = re.exec(path || ''))) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
    return out;
  }

  function joinPath(base, key) {
    if (typeof key === 'number') return `${base}[${key}]`;
    return base ? `${base}.${key}` : key;
  }

  /** The path one level up (tasks[4].rate → tasks[4] → tasks → ''). */
  function parentPath(path) {
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut > 0 ? path.slice(0, cut) : '';
  }

  function getAt(obj, path) {
    let node = obj;
    for (const seg of parsePath(path)) {
      if (node === null || typeof node !== 'object') return undefined;
      node = node[seg];
    }
    return node;
  }

  /** Set a value, creating the objects/arrays on the way (a key appears only when typed into). */
  function setAt(obj, path, value) {
    const segs = parsePath(path);
    let node = obj;
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i];
      if (node[seg] === null || typeof node[seg] !== 'object') {
        node[seg] = typeof segs[i + 1] === 'number' ? [] : {};
      }
      node = node[seg];
    }
    node[segs[segs.length - 1]] = value;
  }

  /**
   * Remove a key; objects left empty by it are removed too (empty keys are
   * absent in the native format), but array rows and the root never are.
   */
  function deleteAt(obj, path) {
    const segs = parsePath(path);
    const chain = [obj];
    let node = obj;
    for (let i = 0; i < segs.length - 1; i++) {
      node = node[segs[i]];
      if (node === null || typeof node !== 'object') return;
      chain.push(node);
    }
    if (Array.isArray(node)) return;
    delete node[segs[segs.length - 1]];
    for (let i = chain.length - 1; i >= 1; i--) {
      const child = chain[i];
      const parent = chain[i - 1];
      if (Array.isArray(child) || Array.isArray(parent) || Object.keys(child).length) break;
      delete parent[segs[i - 1]];
    }
  }

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  /** Text for comparing figures: "1125.50" and 1125.5 are the same; other text is compared as written. */
  function canonical(value) {
    if (value === undefined || value === null) return '';
    const text = String(value).trim().replace(/％/g, '%');
    const m = /^(-?)(\d*)(?:\.(\d*))?(%?)$/.exec(text.replace(/,/g, ''));
    if (!m || (m[2] === '' && !m[3])) return text;
    const whole = m[2].replace(/^0+(?=\d)/, '') || '0';
    const frac = (m[3] || '').replace(/0+$/, '');
    return `${m[1]}${whole}${frac ? '.' + frac : ''}${m[4]}`;
  }

  /** Every scalar of plain data by its path (provenance left out), for the list of unsaved edits. */
  function flatten(data, prefix = '', out = {}) {
    if (Array.isArray(data)) {
      data.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
    } else if (data !== null && typeof data === 'object') {
      for (const [k, v] of Object.entries(data)) {
        if (!prefix && k === 'provenance') continue;
        flatten(v, joinPath(prefix, k), out);
      }
    } else if (data !== undefined && data !== null && data !== '') {
      out[prefix] = typeof data === 'boolean' ? (data ? '是' : '否') : String(data);
    }
    return out;
  }

  function diffDocs(before, after) {
    const a = flatten(before);
    const b = flatten(after);
    const paths = [...Object.keys(b), ...Object.keys(a).filter((p) => !(p in b))];
    return paths.filter((p) => canonical(a[p]) !== canonical(b[p]))
      .map((p) => ({ path: p, before: a[p] || '', after: b[p] || '' }));
  }

  // ------------------------------------------------------------------ DOM helpers

  /** h('td', {class: 'x', onclick: f}, child…): a small element builder. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
      else if (key === 'value' || key === 'checked' || key === 'readOnly' || key === 'disabled') el[key] = value;
      else el.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function fmtTime(text) {
    if (!text) return '';
    const d = new Date(text);
    if (Number.isNaN(d.getTime())) return String(text);
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function fmtSize(bytes) {
    const n = Number(bytes);
    if (!Number.isFinite(n)) return '';
    return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  }

  function shown(value) {
    if (value === undefined || value === null || value === '') return '—';
    if (typeof value === 'boolean') return value ? '是' : '否';
    return String(value);
  }

  function pct(value) {
    if (value === undefined || value === null || value === '') return '—';
    const text = String(value);
    return text.endsWith('%') ? text : `${text}%`;
  }

  // ------------------------------------------------------------------ network
  // Never throws: every outcome (network failure, 500, HTML error page) is a result.

  async function request(url, options) {
    let res;
    try {
      res = await fetch(url, { method: 'POST', credentials: 'same-origin', ...options });
    } catch (error) {
      return { status: 0, network: true, data: null, error };
    }
    let data = null;
    try {
      data = await res.json();
    } catch (_) {
      data = null;
    }
    if (data !== null && typeof data !== 'object') data = null;
    return { status: res.status, network: false, data };
  }

  function postJSON(url, body) {
    return request(url, {
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': state.csrf, Accept: 'application/json' },
      body: JSON.stringify(body),
    });
  }

  function serverTrouble(res) {
    if (res.network) return '无法连接服务器（网络中断或服务器未响应）';
    if (res.data && res.data.message) return res.data.message;
    if (res.status >= 500) return `服务器内部错误（${res.status}）`;
    if (res.data === null) return `服务器返回了无法识别的内容（${res.status}）`;
    return `请求失败（${res.status}）`;
  }

  // ------------------------------------------------------------------ state

  const state = {
    root: null,
    mode: 'view',
    readOnly: true,
    csrf: '',
    urls: {},
    doc: {},
    savedDoc: {}, // the document as last loaded or saved: base of the "unsaved edits" list
    version: null,
    savedAt: '',
    savedBy: '',
    rulesets: [],
    comments: [],
    evidence: [],
    previous: null,
    pending: [], // reviewer comments not yet submitted: [{field, text}]
    // analysis
    good: null, // {analysis, sent}: the last analysis that validated, and the document it was for
    problems: [], // problems of the latest analysis when it did not validate
    saveProblems: [],
    analysisError: '',
    analyseSeq: 0,
    analyseTimer: 0,
    inFlight: 0,
    latestAnalyse: null,
    // saving
    editSeq: 0,
    savedSeq: 0,
    saving: null, // promise of the save in flight
    saveTimer: 0,
    retryTimer: 0,
    retryDelay: 0,
    saveState: 'saved',
    saveMessage: '',
    conflict: null,
  };

  const titleParts = new WeakMap();
  let pathIndex = null; // Map data-path → element, rebuilt lazily after renders

  function editable() {
    return state.mode === 'edit' && !state.readOnly;
  }

  function dirty() {
    return state.editSeq !== state.savedSeq;
  }

  function indexPaths() {
    if (!pathIndex) {
      pathIndex = new Map();
      for (const el of state.root.querySelectorAll('.jx-main [data-path]')) {
        if (!pathIndex.has(el.dataset.path)) pathIndex.set(el.dataset.path, el);
      }
    }
    return pathIndex;
  }

  /** The element for a path, else the nearest ancestor path that has one. */
  function resolve(path) {
    const index = indexPaths();
    let p = path || '';
    while (p) {
      const el = index.get(p);
      if (el) return el;
      p = parentPath(p);
    }
    return null;
  }

  function labelOf(path) {
    const el = indexPaths().get(path);
    if (el) return el.getAttribute('aria-label') || el.dataset.label || path;
    const near = resolve(path);
    const nearLabel = near ? near.getAttribute('aria-label') || near.dataset.label : '';
    return nearLabel ? `${nearLabel}（${path}）` : path;
  }

  // ------------------------------------------------------------------ form controls

  /**
   * A control bound to a document path. kind: text | number | int | textarea | select | checkbox.
   * Returned inside a box that also holds its notes (hints, problems, comments).
   */
  function control(path, label, kind = 'text', opts = {}) {
    const value = getAt(state.doc, path);
    const common = { 'data-path': path, 'data-kind': kind, 'aria-label': label, class: `jx-input jx-${kind}` };
    let el;
    if (kind === 'textarea') {
      el = h('textarea', { ...common, rows: opts.rows || 2, value: value === undefined ? '' : String(value) });
    } else if (kind === 'select') {
      const current = value === undefined ? '' : String(value);
      const options = (opts.options || []).slice();
      if (current && !options.some((o) => o.value === current)) options.push({ value: current, text: current });
      el = h('select', common, options.map((o) => h('option', { value: o.value, text: o.text })));
      el.value = current;
    } else if (kind === 'checkbox') {
      el = h('input', { ...common, type: 'checkbox', checked: value !== false });
    } else {
      el = h('input', {
        ...common,
        type: 'text',
        value: value === undefined ? '' : String(value),
        inputmode: kind === 'number' ? 'decimal' : kind === 'int' ? 'numeric' : null,
        list: opts.list || null,
        autocomplete: 'off',
        spellcheck: kind === 'text' ? null : 'false',
      });
    }
    if (opts.placeholder) el.placeholder = opts.placeholder;
    return h('div', { class: `jx-box${opts.wide ? ' jx-box-wide' : ''}` }, el, h('div', { class: 'jx-notes' }));
  }

  /** A read-only computed cell, filled from analysis.settled at the same path. */
  function derived(path, label, format = shown) {
    const out = h('output', { class: 'derived jx-derived', 'data-path': path, 'aria-label': label, tabindex: '-1', text: '—' });
    out.jxFormat = format;
    return h('div', { class: 'jx-box' }, out);
  }

  /** A labelled control for forms laid out in a grid. */
  function labelled(text, box, extraClass = '') {
    return h('label', { class: `jx-lf ${extraClass}` }, h('span', { class: 'jx-lf-label', text }), box);
  }

  function textOf(el) {
    return el.type === 'checkbox' ? el.checked : el.value;
  }

  /** Names are required by the document model: cleared, they stay as "" rather than absent. */
  function keepsEmpty(path) {
    const last = parsePath(path).pop();
    return last === 'name' || (last === 'title' && path.startsWith('narrative'));
  }

  /** Write what the user typed into the document: absent when cleared, numbers as typed text. */
  function writeField(el) {
    const path = el.dataset.path;
    const kind = el.dataset.kind;
    if (kind === 'checkbox') {
      if (el.checked) deleteAt(state.doc, path); // applicable: true is the default, stored absent
      else setAt(state.doc, path, false);
      return;
    }
    const raw = textOf(el);
    const text = kind === 'number' || kind === 'int' ? raw.trim() : raw;
    if (text === '' || (kind !== 'textarea' && raw.trim() === '')) {
      if (keepsEmpty(path)) setAt(state.doc, path, '');
      else deleteAt(state.doc, path);
    } else {
      setAt(state.doc, path, text);
    }
  }

  function autoGrow(el) {
    if (el.tagName !== 'TEXTAREA') return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight + 2}px`;
  }

  // ------------------------------------------------------------------ structure editing

  function button(text, title, onclick, extra = {}) {
    return h('button', { type: 'button', class: `jx-btn ${extra.class || ''}`, title, 'aria-label': extra.label || title, onclick, dataset: extra.dataset }, text);
  }

  function hasContent(value) {
    return Object.keys(flatten(value || {})).length > 0;
  }

  function listOf(path) {
    const list = getAt(state.doc, path);
    return Array.isArray(list) ? list : [];
  }

  function structureChanged(sectionIds, focusPath, focusSelector) {
    rerender(sectionIds);
    markDirty();
    const target = focusPath ? resolve(focusPath) : null;
    if (target) {
      const inner = focusSelector ? target.querySelector(focusSelector) : target.querySelector('[data-kind]');
      (inner || target).focus({ preventScroll: false });
    }
  }

  function addItem(listPath, item, sectionIds, focusSelector) {
    const list = listOf(listPath).slice();
    list.push(item);
    setAt(state.doc, listPath, list);
    structureChanged(sectionIds, joinPath(listPath, list.length - 1), focusSelector);
  }

  // A new report section is named by its title, so the caret goes there (not to its number).
  const TITLE_OF_SECTION = ':scope > .jx-nsec-head [data-kind][data-path$="title"]';

  function removeItem(listPath, index, what, sectionIds) {
    const list = listOf(listPath);
    if (hasContent(list[index]) && !window.confirm(`确定删除${what}吗？其中已填写的内容将一并删除。`)) return;
    list.splice(index, 1);
    if (!list.length) deleteAt(state.doc, listPath);
    const next = list.length ? joinPath(listPath, Math.min(index, list.length - 1)) : parentPath(listPath) || listPath;
    structureChanged(sectionIds, next);
  }

  function moveItem(listPath, index, delta, sectionIds, action) {
    const list = listOf(listPath);
    const to = index + delta;
    if (to < 0 || to >= list.length) return;
    [list[index], list[to]] = [list[to], list[index]];
    // Keep focus on the same button of the moved row so it can be moved again.
    structureChanged(sectionIds, joinPath(listPath, to), `[data-action="${action}"][data-row="${joinPath(listPath, to)}"]`);
  }

  /** Buttons for a row: move up/down, remove; in review mode a 批注 button for the row itself. */
  function rowActions(listPath, index, length, what, sectionIds, extra = []) {
    const rowPath = joinPath(listPath, index);
    if (state.mode === 'review') {
      return h('span', { class: 'jx-actions' }, button('批注', `批注：${what}`, () => openCommentBox(rowPath), { class: 'jx-annot-row' }));
    }
    return h('span', { class: 'jx-actions jx-edit-only' },
      extra,
      button('↑', '上移', () => moveItem(listPath, index, -1, sectionIds, 'up'), { class: 'jx-icon', dataset: { action: 'up', row: rowPath } }),
      button('↓', '下移', () => moveItem(listPath, index, 1, sectionIds, 'down'), { class: 'jx-icon', dataset: { action: 'down', row: rowPath } }),
      button('✕', '删除', () => removeItem(listPath, index, what, sectionIds), { class: 'jx-icon jx-danger', dataset: { action: 'remove', row: rowPath } }));
  }

  // ------------------------------------------------------------------ sections

  function section(id, title, path, ...children) {
    return h('section', { class: 'jx-section', id: `jx-sec-${id}`, 'data-path': path || null, 'data-label': title, tabindex: '-1', 'aria-labelledby': `jx-h-${id}` },
      h('h2', { id: `jx-h-${id}`, text: title }), children);
  }

  function renderBasic() {
    const doc = state.doc;
    const kind = doc.kind;
    const options = [{ value: '', text: '（按所属地区自动选择）' }]
      .concat(state.rulesets.filter((r) => !r.kind || r.kind === kind).map((r) => ({ value: r.id, text: r.title || r.id })));
    const grid = h('div', { class: 'jx-grid' },
      labelled('自评类型', h('div', { class: 'jx-box' }, h('output', { class: 'jx-static', 'data-path': 'kind', 'aria-label': '自评类型', text: KIND_NAMES[kind] || kind || '—' }))),
      labelled('评价年度', control('year', '评价年度', 'int')),
      labelled('单位名称', control('unit', '单位名称'), 'jx-span2'),
      labelled('报告标题', control('title', '报告标题'), 'jx-span3'),
      labelled('所属地区', control('region', '所属地区')),
      labelled('评分规则', control('ruleset', '评分规则', 'select', { options }), 'jx-span2'));
    const parts = [grid];
    if (kind === 'project') {
      parts.push(h('fieldset', { class: 'jx-fieldset', 'data-path': 'project', 'data-label': '项目信息' },
        h('legend', { text: '项目信息' }),
        h('div', { class: 'jx-grid' },
          labelled('项目名称', control('project.name', '项目名称'), 'jx-span2'),
          labelled('实施单位', control('project.implementer', '实施单位')),
          labelled('主管部门', control('project.department', '主管部门'), 'jx-span2'),
          labelled('主管部门代码', control('project.department_code', '主管部门代码')))));
    }
    return section('basic', '基本信息', null, parts);
  }

  function renderGoals() {
    const project = state.doc.kind === 'project';
    return section('goals', '绩效目标', 'goals',
      labelled(project ? '年度绩效目标' : '年度履职目标', control('goals.target', project ? '年度绩效目标' : '年度履职目标', 'textarea', { rows: 3 }), 'jx-block'),
      labelled('目标实际完成情况', control('goals.actual', '目标实际完成情况', 'textarea', { rows: 3 }), 'jx-block'));
  }

  const TASK_COLUMNS = [
    ['name', '任务名称', 'text'], ['content', '主要内容', 'textarea'], ['budget', '预算资金', 'number'],
    ['budget_fiscal', '其中：财政资金', 'number'], ['executed', '执行数', 'number'],
    ['executed_fiscal', '执行数中财政资金', 'number'],
  ];

  function renderTasks() {
    const tasks = listOf('tasks');
    const ids = ['tasks'];
    const head = h('tr', {}, h('th', { class: 'jx-num', text: '序' }), TASK_COLUMNS.map(([, t]) => h('th', { text: t })),
      h('th', { text: '执行率' }), h('th', { text: '完成情况' }), h('th', { class: 'jx-act-col', text: '' }));
    const rows = tasks.map((task, i) => {
      const p = `tasks[${i}]`;
      const what = `任务${i + 1}`;
      return h('tr', { 'data-path': p, 'data-label': what },
        h('td', { class: 'jx-num', text: String(i + 1) }),
        TASK_COLUMNS.map(([key, title, kind]) => h('td', { class: `jx-c-${key}` }, control(`${p}.${key}`, `${what} ${title}`, kind, { rows: 1 }))),
        h('td', { class: 'jx-c-rate' }, derived(`${p}.rate`, `${what} 执行率`)),
        h('td', { class: 'jx-c-status' }, control(`${p}.status`, `${what} 完成情况`, 'text', { list: 'jx-status-options' })),
        h('td', { class: 'jx-act-col' }, rowActions('tasks', i, tasks.length, what, ids)));
    });
    return section('tasks', '年度主要任务', 'tasks',
      h('datalist', { id: 'jx-status-options' }, STATUS_OPTIONS.map((s) => h('option', { value: s }))),
      h('div', { class: 'jx-scroll' }, h('table', { class: 'jx-table jx-tasks' }, h('thead', {}, head), h('tbody', {}, rows))),
      tasks.length ? null : h('p', { class: 'jx-empty', text: '尚无任务。' }),
      h('div', { class: 'jx-toolbar jx-edit-only' }, button('＋ 添加任务', '添加任务', () => addItem('tasks', { name: '' }, ids))));
  }

  const AMOUNT_LINES = [
    ['budget', '合计（部门预算总额）'], ['budget.by_source.fiscal', '资金来源：财政性资金'],
    ['budget.by_source.other', '资金来源：其他资金'], ['budget.by_structure.basic', '资金结构：基本支出'],
    ['budget.by_structure.project', '资金结构：项目支出'],
  ];

  function amountsTable() {
    const lines = state.doc.kind === 'project' ? [['budget', '合计（年度资金总额）'], AMOUNT_LINES[1], AMOUNT_LINES[2]] : AMOUNT_LINES;
    return h('table', { class: 'jx-table jx-amounts' },
      h('thead', {}, h('tr', {}, h('th', { text: '项目（万元）' }), h('th', { text: '年初预算数' }), h('th', { text: '全年（调整）预算数' }),
        h('th', { text: '执行数' }), h('th', { text: '执行率' }))),
      h('tbody', {}, lines.map(([p, name]) => h('tr', { 'data-path': p === 'budget' ? null : p, 'data-label': name },
        h('th', { scope: 'row', text: name }),
        h('td', {}, control(`${p}.initial`, `${name} 年初预算数`, 'number')),
        h('td', {}, control(`${p}.adjusted`, `${name} 全年（调整）预算数`, 'number')),
        h('td', {}, control(`${p}.executed`, `${name} 执行数`, 'number')),
        h('td', {}, derived(`${p}.rate`, `${name} 执行率`))))));
  }

  function spendingTable() {
    const rows = [['budget.three_public', '“三公经费”', '预算安排数', '实际支出', '控制率'],
      ['budget.procurement', '政府采购', '政府采购预算数', '实际采购金额', '执行率'],
      ['budget.special_funds', '专项资金细化', null, null, '细化率']];
    return h('table', { class: 'jx-table jx-spending' },
      h('thead', {}, h('tr', {}, h('th', { text: '项目（万元）' }), h('th', { text: '预算数 / 参与分配总数' }), h('th', { text: '实际数 / 已细化数' }), h('th', { text: '比率' }))),
      h('tbody', {}, rows.map(([p, name, budgetName, actualName, rateName]) => {
        const special = p.endsWith('special_funds');
        return h('tr', { 'data-path': p, 'data-label': name },
          h('th', { scope: 'row', text: name }),
          h('td', {}, control(`${p}.${special ? 'total' : 'budget'}`, `${name} ${special ? '部门参与分配资金总数' : budgetName}`, 'number')),
          h('td', {}, control(`${p}.${special ? 'detailed' : 'actual'}`, `${name} ${special ? '已细化到具体单位的资金数' : actualName}`, 'number')),
          h('td', {}, derived(`${p}.rate`, `${name}${rateName}`)));
      })));
  }

  const PM_FIELDS = [['projects', '部门项目总数'], ['monitored', '已完成绩效监控项目数'], ['self_evaluated', '已完成自评项目数'],
    ['key_evaluations', '重点绩效评价项目数'], ['key_evaluated', '已完成评价项目数'], ['suggestions', '提出的意见建议数'],
    ['suggestions_adopted', '采纳的意见建议数']];

  function renderBudget() {
    const parts = [
      h('p', { class: 'jx-unit-note', text: '金额单位：万元。灰色单元格由系统按数据计算，不可填写。' }),
      h('div', { class: 'jx-scroll' }, amountsTable()),
      h('div', { class: 'jx-scroll' }, spendingTable()),
      h('div', { class: 'jx-grid' },
        labelled('结转结余总额', control('budget.carryover', '结转结余总额', 'number')),
        labelled('结转结余率', derived('budget.carryover_rate', '结转结余率')),
        labelled('不计入调整率的调整数', control('budget.adjustment_excluded', '不计入预算调整率的调整数', 'number')),
        labelled('预算调整率', derived('budget.adjustment_rate', '预算调整率')),
        labelled('预算执行分值', derived('budget.weight', '预算执行分值')),
        labelled('预算执行得分', derived('budget.score', '预算执行得分'))),
      labelled('原因说明（执行率偏低或调整较大时）', control('budget.explanation', '预算执行原因说明', 'textarea', { rows: 2 }), 'jx-block'),
    ];
    if (state.doc.kind !== 'project' || state.doc.performance_management) {
      parts.push(h('fieldset', { class: 'jx-fieldset', 'data-path': 'performance_management', 'data-label': '绩效管理' },
        h('legend', { text: '绩效管理（项目数）' }),
        h('div', { class: 'jx-grid jx-grid-4' }, PM_FIELDS.map(([k, t]) => labelled(t, control(`performance_management.${k}`, t, 'int'))))));
    }
    return section('budget', '预算情况', 'budget', parts);
  }

  const LEAF_COLUMNS = [['target', '指标值', 'text'], ['unit', '度量单位', 'text'], ['weight', '分值', 'number'], ['actual', '实际完成值', 'text']];

  function renderLeaf(groupPath, leaves, k, groupLabel, ids) {
    const p = `${groupPath}.children[${k}]`;
    const leaf = leaves[k] || {};
    const what = leaf.name ? `三级指标「${leaf.name}」` : `第${k + 1}个三级指标`;
    const label = `${groupLabel} › ${leaf.name || `三级指标${k + 1}`}`;
    const evidenceButton = button('证明材料 (0)', '证明材料', (e) => openEvidencePanel(p, e.currentTarget, label),
      { class: 'jx-ev-btn', dataset: { evidencePath: p } });
    return h('tbody', { class: 'jx-leaf', 'data-path': p, 'data-label': label },
      h('tr', { class: 'jx-leaf-main' },
        h('td', { class: 'jx-c-name' }, h('div', { class: 'jx-name-cell' }, control(`${p}.name`, `${label} 三级指标名称`),
          libraryButton(`从指标库选择：${label}`, () => openLibrary({ leafPath: p })))),
        LEAF_COLUMNS.map(([key, title, kind]) => h('td', { class: `jx-c-${key}` }, control(`${p}.${key}`, `${label} ${title}`, kind))),
        h('td', { class: 'jx-c-score' }, derived(`${p}.score`, `${label} 得分`)),
        h('td', { class: 'jx-c-appl' }, h('label', { class: 'jx-check' }, control(`${p}.applicable`, `${label} 是否适用`, 'checkbox'), h('span', { text: '适用' }))),
        h('td', { class: 'jx-act-col', rowspan: '2' }, rowActions(`${groupPath}.children`, k, leaves.length, what, ids))),
      h('tr', { class: 'jx-leaf-more' },
        h('td', { colspan: '7' }, h('div', { class: 'jx-leaf-texts' },
          labelled('偏差原因分析及改进措施', control(`${p}.deviation`, `${label} 偏差原因分析及改进措施`, 'textarea', { rows: 1, placeholder: '偏差原因分析及改进措施' }), 'jx-compact'),
          labelled('指标说明', control(`${p}.description`, `${label} 指标说明`, 'textarea', { rows: 1, placeholder: '指标说明' }), 'jx-compact'),
          h('div', { class: 'jx-ev-cell' }, evidenceButton)))));
  }

  function renderGroup(catPath, groups, j, catName, ids) {
    const p = `${catPath}.children[${j}]`;
    const group = groups[j] || {};
    const leaves = Array.isArray(group.children) ? group.children : [];
    const label = `${catName} › ${group.name || `二级指标${j + 1}`}`;
    const head = h('tr', {}, h('th', { text: '三级指标' }), LEAF_COLUMNS.map(([, t]) => h('th', { text: t })),
      h('th', { text: '得分' }), h('th', { text: '适用' }), h('th', { class: 'jx-act-col', text: '' }));
    return h('div', { class: 'jx-group', 'data-path': p, 'data-label': label },
      h('div', { class: 'jx-group-head' },
        h('span', { class: 'jx-level', text: '二级指标' }),
        control(`${p}.name`, `${label} 二级指标名称`),
        rowActions(`${catPath}.children`, j, groups.length, group.name ? `二级指标「${group.name}」` : `第${j + 1}个二级指标`, ids,
          [button('＋ 三级指标', '添加三级指标', () => addItem(`${p}.children`, { name: '' }, ids))])),
      h('div', { class: 'jx-scroll' }, h('table', { class: 'jx-table jx-leaves' }, h('thead', {}, head),
        leaves.map((_, k) => renderLeaf(p, leaves, k, label, ids)))),
      leaves.length ? null : h('p', { class: 'jx-empty', text: '尚无三级指标。' }));
  }

  function renderCategory(cats, i, ids) {
    const p = `indicators[${i}]`;
    const cat = cats[i] || {};
    const groups = Array.isArray(cat.children) ? cat.children : [];
    const name = cat.name || `一级指标${i + 1}`;
    return h('div', { class: 'jx-cat', 'data-path': p, 'data-label': name },
      h('div', { class: 'jx-cat-head' },
        h('span', { class: 'jx-level', text: '一级指标' }),
        control(`${p}.name`, `${name} 一级指标名称`),
        h('span', { class: 'jx-weight-label', text: '权重' }),
        derived(`${p}.weight`, `${name} 权重`),
        rowActions('indicators', i, cats.length, cat.name ? `一级指标「${cat.name}」` : `第${i + 1}个一级指标`, ids,
          [button('＋ 二级指标', '添加二级指标', () => addItem(`${p}.children`, { name: '', children: [{ name: '' }] }, ids))])),
      groups.map((_, j) => renderGroup(p, groups, j, name, ids)),
      groups.length ? null : h('p', { class: 'jx-empty', text: '尚无二级指标。' }));
  }

  function renderReported() {
    return h('div', { class: 'jx-reported', 'data-path': 'reported', 'data-label': '得分汇总' },
      h('h3', { text: '各项指标得分情况表（自动计算）' }),
      h('div', { class: 'jx-grid' },
        labelled('自评得分', derived('reported.total', '自评得分')),
        labelled('自评结果（等级）', derived('reported.grade', '自评结果'))),
      h('table', { class: 'jx-table jx-reported-table' },
        h('thead', {}, h('tr', {}, h('th', { text: '指标' }), h('th', { text: '权重分值' }), h('th', { text: '得分' }), h('th', { text: '得分率' }))),
        h('tbody', { class: 'jx-reported-rows', 'data-path': 'reported.categories', 'data-label': '各项指标得分情况表' })));
  }

  function renderIndicators() {
    const cats = listOf('indicators');
    const ids = ['indicators', 'evidence'];
    return section('indicators', '绩效指标', 'indicators',
      cats.map((_, i) => renderCategory(cats, i, ids)),
      cats.length ? null : h('p', { class: 'jx-empty', text: '尚无绩效指标。' }),
      h('div', { class: 'jx-toolbar jx-edit-only' },
        button('＋ 添加一级指标', '添加一级指标', () => addItem('indicators', { name: '', children: [{ name: '', children: [{ name: '' }] }] }, ids)),
        state.urls.indicators ? button('＋ 从指标库添加', '从指标库选择指标，按其一级、二级指标放入相应位置', () => openLibrary({}), { class: 'jx-lib-add' }) : null),
      renderReported());
  }

  function renderNarrativeSection(listPath, list, i, depth, ids) {
    const p = `${listPath}[${i}]`;
    const sec = list[i] || {};
    const subs = Array.isArray(sec.sections) ? sec.sections : [];
    const name = `${sec.number ? `${sec.number}${/^[（(]/.test(sec.number) ? '' : '、'}` : ''}${sec.title || `第${i + 1}节`}`;
    return h('div', { class: `jx-nsec jx-depth-${Math.min(depth, 3)}`, 'data-path': p, 'data-label': name },
      h('div', { class: 'jx-nsec-head' },
        control(`${p}.number`, `${name} 序号`, 'text', { placeholder: '序号' }),
        control(`${p}.title`, `${name} 标题`, 'text', { placeholder: '标题' }),
        rowActions(`${listPath}`, i, list.length, `章节「${name}」`, ids,
          [button('＋ 小节', '添加小节', () => addItem(`${p}.sections`, { title: '', text: '' }, ids, TITLE_OF_SECTION))])),
      control(`${p}.text`, `${name} 正文`, 'textarea', { rows: 3 }),
      subs.length ? h('div', { class: 'jx-subsections' }, subs.map((_, k) => renderNarrativeSection(`${p}.sections`, subs, k, depth + 1, ids))) : null);
  }

  function renderNarrative() {
    const list = listOf('narrative');
    const ids = ['narrative'];
    return section('narrative', '报告正文', 'narrative',
      list.map((_, i) => renderNarrativeSection('narrative', list, i, 0, ids)),
      list.length ? null : h('p', { class: 'jx-empty', text: '尚无章节。' }),
      h('div', { class: 'jx-toolbar jx-edit-only' }, button('＋ 添加章节', '添加章节', () => addItem('narrative', { title: '', text: '' }, ids, TITLE_OF_SECTION))));
  }

  function leafList() {
    const out = [];
    listOf('indicators').forEach((cat, i) => (cat.children || []).forEach((group, j) => (group.children || []).forEach((leaf, k) => {
      out.push({ path: `indicators[${i}].children[${j}].children[${k}]`, names: [cat.name, group.name, leaf.name] });
    })));
    return out;
  }

  function renderEvidence() {
    const leaves = leafList();
    const rows = leaves.map((leaf) => {
      const label = leaf.names.map((n, i) => n || ['一级指标', '二级指标', '三级指标'][i]).join(' › ');
      return h('tr', {},
        h('td', { text: label }),
        h('td', { class: 'jx-ev-count' }, button('证明材料 (0)', '证明材料', (e) => openEvidencePanel(leaf.path, e.currentTarget, label),
          { class: 'jx-ev-btn', dataset: { evidencePath: leaf.path } })));
    });
    return section('evidence', '证明材料', null,
      h('p', { class: 'jx-unit-note', text: '按三级指标上传证明材料（如文件、照片、统计表）。' }),
      h('table', { class: 'jx-table jx-evidence' }, h('thead', {}, h('tr', {}, h('th', { text: '指标' }), h('th', { text: '材料' }))), h('tbody', {}, rows)),
      leaves.length ? null : h('p', { class: 'jx-empty', text: '尚无三级指标。' }));
  }

  const SECTIONS = [
    { id: 'basic', title: '基本信息', render: renderBasic },
    { id: 'goals', title: '绩效目标', render: renderGoals },
    { id: 'tasks', title: '年度主要任务', render: renderTasks, when: () => state.doc.kind !== 'project' },
    { id: 'budget', title: '预算情况', render: renderBudget },
    { id: 'indicators', title: '绩效指标', render: renderIndicators },
    { id: 'narrative', title: '报告正文', render: renderNarrative },
    { id: 'evidence', title: '证明材料', render: renderEvidence },
  ];

  function visibleSections() {
    return SECTIONS.filter((s) => !s.when || s.when());
  }

  /** Re-render whole sections (only after a structure change): focus is then set by the caller. */
  function rerender(ids) {
    for (const id of ids) {
      const spec = SECTIONS.find((s) => s.id === id);
      const old = state.root.querySelector(`#jx-sec-${id}`);
      if (spec && old) old.replaceWith(spec.render());
    }
    afterRender();
  }

  function afterRender() {
    pathIndex = null;
    const main = state.root.querySelector('.jx-main');
    for (const ta of main.querySelectorAll('textarea')) autoGrow(ta);
    applyReadOnly();
    decorate();
    if (state.observeSections) state.observeSections(); // sections may have been replaced
  }

  /** Read-only modes: controls keep their values but cannot change; edit-only tools are hidden by CSS. */
  function applyReadOnly() {
    const ro = !editable();
    state.root.classList.toggle('jx-readonly', ro);
    state.root.classList.toggle('jx-review', state.mode === 'review');
    for (const el of state.root.querySelectorAll('.jx-main [data-kind]')) {
      if (el.tagName === 'SELECT' || el.type === 'checkbox') el.disabled = ro;
      else el.readOnly = ro;
    }
  }

  // ------------------------------------------------------------------ decoration
  // Everything the analysis, comments and previous changes show on the form:
  // derived cells, notes under fields, marker classes and tooltips. It never
  // touches a control's value, so it can run while the user types.

  const MARK_CLASSES = ['has-error', 'has-warning', 'has-info', 'has-comment', 'changed', 'invalid', 'jx-pending'];

  function setTitle(el, key, text) {
    const parts = titleParts.get(el) || {};
    if (text) parts[key] = text;
    else delete parts[key];
    titleParts.set(el, parts);
    const title = Object.values(parts).join('\n');
    if (title) {
      if (el.getAttribute('title') !== title) el.setAttribute('title', title);
    } else if (el.hasAttribute('title')) {
      el.removeAttribute('title');
    }
  }

  function notesOf(el) {
    const next = el.nextElementSibling;
    return next && next.classList.contains('jx-notes') ? next : null;
  }

  /** Show (or clear, with null) one kind of note under a control. */
  function setNote(el, kind, content) {
    const slot = notesOf(el);
    if (!slot) return;
    let note = slot.querySelector(`.jx-note-${kind}`);
    if (!content) {
      if (note) note.remove();
      return;
    }
    const key = typeof content === 'string' ? content : content.key;
    if (note && note.dataset.key === key) return;
    const fresh = h('div', { class: `jx-note jx-note-${kind}`, dataset: { key } }, typeof content === 'string' ? content : content.nodes);
    if (note) note.replaceWith(fresh);
    else slot.append(fresh);
  }

  function decorate() {
    const index = indexPaths();
    const marks = new Map();
    const markOf = (el) => {
      if (!marks.has(el)) marks.set(el, { severities: new Set(), findings: [], problems: [], comments: [], changed: null, pending: 0 });
      return marks.get(el);
    };
    const good = state.good ? state.good.analysis : null;
    for (const f of good ? good.findings || [] : []) {
      const el = f.field ? resolve(f.field) : null;
      if (!el) continue;
      const m = markOf(el);
      m.severities.add(f.severity);
      m.findings.push(`${f.severity_label || ''}${f.code ? ` ${f.code}` : ''}：${f.message}`);
    }
    for (const p of state.problems.concat(state.saveProblems)) {
      const el = resolve(p.path) || (p.path ? null : state.root.querySelector('#jx-sec-basic'));
      if (el) markOf(el).problems.push(p.message + (p.expected ? `（应为：${p.expected}）` : ''));
    }
    for (const c of state.comments) {
      if (c.resolved) continue;
      const el = resolve(c.field);
      if (el) markOf(el).comments.push(`批注（${c.author || '审核人'}）：${c.text}`);
    }
    for (const c of state.previous && Array.isArray(state.previous.changes) ? state.previous.changes : []) {
      const el = resolve(c.path);
      if (el) markOf(el).changed = `上次提交：${c.before === '' || c.before === undefined || c.before === null ? '（空）' : c.before}`;
    }
    for (const c of state.pending) {
      const el = resolve(c.field);
      if (el) markOf(el).pending += 1;
    }
    for (const el of index.values()) {
      const m = marks.get(el);
      const worst = m && ['error', 'warning', 'info'].find((s) => m.severities.has(s));
      el.classList.toggle('has-error', worst === 'error');
      el.classList.toggle('has-warning', worst === 'warning');
      el.classList.toggle('has-info', worst === 'info');
      el.classList.toggle('invalid', !!(m && m.problems.length));
      el.classList.toggle('has-comment', !!(m && m.comments.length));
      el.classList.toggle('changed', !!(m && m.changed));
      el.classList.toggle('jx-pending', !!(m && m.pending));
      if (m && m.problems.length) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
      setTitle(el, 'problems', m && m.problems.join('\n'));
      setTitle(el, 'findings', m && m.findings.join('\n'));
      setTitle(el, 'comments', m && m.comments.join('\n'));
      setTitle(el, 'changed', m && m.changed);
      setNote(el, 'problem', m && m.problems.length ? m.problems.join('；') : null);
      setNote(el, 'comment', m && m.comments.length ? m.comments.join('\n') : null);
    }
    decorateDerived();
    decorateEvidence();
    renderSidebar();
  }

  /** Derived cells and "按数据计算为" hints from the last analysis that validated. */
  function decorateDerived() {
    const good = state.good;
    const settled = good && good.analysis.settled;
    state.root.classList.toggle('jx-stale', !!(state.problems.length || state.analysisError));
    if (!settled) return;
    for (const out of state.root.querySelectorAll('.jx-main output.derived')) {
      const text = (out.jxFormat || shown)(getAt(settled, out.dataset.path));
      if (out.textContent !== text) out.textContent = text;
    }
    const rowsBody = state.root.querySelector('.jx-reported-rows');
    if (rowsBody) {
      const rows = Array.isArray(getAt(settled, 'reported.categories')) ? settled.reported.categories : [];
      const key = JSON.stringify(rows);
      if (rowsBody.dataset.key !== key) {
        rowsBody.dataset.key = key;
        rowsBody.replaceChildren(...rows.map((r, i) => h('tr', { 'data-path': `reported.categories[${i}]`, 'data-label': r.name },
          ['name', 'weight', 'score', 'rate'].map((k) => h('td', {}, h('output', {
            class: 'derived jx-derived', 'data-path': `reported.categories[${i}].${k}`, 'aria-label': `${r.name} ${{ name: '指标', weight: '权重分值', score: '得分', rate: '得分率' }[k]}`, text: shown(r[k]),
          }))))));
        pathIndex = null;
      }
    }
    for (const el of state.root.querySelectorAll('.jx-main [data-kind]')) {
      if (el.dataset.kind === 'checkbox') continue;
      const path = el.dataset.path;
      const computed = getAt(settled, path);
      const typedThen = getAt(good.sent, path);
      const typedNow = getAt(state.doc, path);
      // Compare with what was sent: a field typed into since then waits for its own analysis.
      const differs = computed !== undefined && computed !== null && typeof computed !== 'object'
        && canonical(typedNow) === canonical(typedThen) && canonical(computed) !== canonical(typedNow);
      setNote(el, 'hint', differs ? hintFor(el, computed) : null);
    }
  }

  function hintFor(el, computed) {
    let text = String(computed);
    if (el.tagName === 'SELECT') {
      const option = [...el.options].find((o) => o.value === text);
      if (option) text = option.textContent;
    }
    const nodes = [h('span', { text: `按数据计算为 ${text}` })];
    if (editable() && el.tagName !== 'SELECT') {
      nodes.push(button('采用', '采用计算值', () => {
        el.value = String(computed);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.focus();
      }, { class: 'jx-link-btn', label: `采用计算值 ${text}` }));
    }
    return { key: `${text}|${editable()}`, nodes };
  }

  function evidenceFor(path) {
    return state.evidence.filter((e) => e.path === path);
  }

  function decorateEvidence() {
    for (const b of state.root.querySelectorAll('.jx-ev-btn')) {
      const n = evidenceFor(b.dataset.evidencePath).length;
      const text = `证明材料 (${n})`;
      if (b.textContent !== text) b.textContent = text;
      b.classList.toggle('jx-has-ev', n > 0);
    }
  }

  // ------------------------------------------------------------------ sidebar

  function sidebarBlock(key, build) {
    // Rebuild a sidebar block only when its content changed, so focus inside the sidebar survives.
    const slot = state.root.querySelector(`.jx-side [data-block="${key}"]`);
    if (!slot) return;
    const content = build();
    const sig = JSON.stringify(content.sig);
    if (slot.dataset.sig === sig) return;
    slot.dataset.sig = sig;
    slot.replaceChildren(...[content.nodes].flat(Infinity).filter(Boolean));
  }

  function focusLink(path, text, extraClass = '') {
    return h('a', { href: `#${encodeURIComponent(path || '')}`, class: `jx-goto ${extraClass}`, 'data-goto': path || '' }, text);
  }

  function renderSidebar() {
    const a = state.good ? state.good.analysis : null;
    sidebarBlock('score', () => {
      const score = a && a.score ? a.score : {};
      return {
        sig: [score.total, score.grade, score.execution_rate, score.categories],
        nodes: [
          h('div', { class: 'jx-score' },
            h('div', { class: 'jx-score-main' }, h('span', { class: 'jx-score-label', text: '自评得分' }), h('span', { class: 'jx-score-total', text: shown(score.total) })),
            h('dl', { class: 'jx-score-facts' },
              h('dt', { text: '等级' }), h('dd', { class: 'jx-grade', text: shown(score.grade) }),
              h('dt', { text: '执行率' }), h('dd', { class: 'jx-rate', text: pct(score.execution_rate) }))),
          h('table', { class: 'jx-table jx-cats' },
            h('thead', {}, h('tr', {}, h('th', { text: '名称' }), h('th', { text: '权重' }), h('th', { text: '得分' }), h('th', { text: '得分率' }))),
            h('tbody', {}, (score.categories || []).map((c) => h('tr', {}, h('td', { text: c.name }), h('td', { class: 'jx-n', text: shown(c.weight) }),
              h('td', { class: 'jx-n', text: shown(c.score) }), h('td', { class: 'jx-n', text: pct(c.rate) }))))),
        ],
      };
    });
    sidebarBlock('analysis-status', () => {
      let text = '';
      if (state.problems.length) text = `文档有 ${state.problems.length} 处填写问题，无法计算；下方为上次的结果。`;
      else if (state.analysisError) text = `无法更新计算结果：${state.analysisError}`;
      return { sig: text, nodes: text ? h('p', { class: 'jx-alert jx-alert-error', role: 'status', text }) : null };
    });
    sidebarBlock('problems', () => {
      const list = state.problems.concat(state.saveProblems);
      return {
        sig: list,
        nodes: list.length ? [h('h3', { text: `填写问题（${list.length}）` }), h('ul', { class: 'jx-list jx-problems' }, list.map((p) => h('li', { class: 'jx-sev-error' },
          focusLink(p.path, [h('span', { class: 'jx-msg', text: p.message }), p.expected ? h('span', { class: 'jx-sub', text: `应为：${p.expected}` }) : null,
            h('span', { class: 'jx-sub', text: p.label || p.path || '整份文档' })]))))] : null,
      };
    });
    sidebarBlock('findings', () => {
      const findings = a ? a.findings || [] : [];
      const counts = a && a.counts ? a.counts : {};
      return {
        sig: [findings, counts],
        nodes: [h('h3', { text: '审核发现' }), SEVERITIES.map(([sev, name]) => {
          const items = findings.filter((f) => f.severity === sev);
          const n = counts[sev] !== undefined ? counts[sev] : items.length;
          return h('details', { class: `jx-findings jx-sev-${sev}`, open: sev !== 'info' && items.length ? true : null },
            h('summary', {}, h('span', { class: `jx-badge jx-badge-${sev}`, text: String(n) }), ` ${name}`),
            items.length ? h('ul', { class: 'jx-list' }, items.map((f) => h('li', {},
              focusLink(f.field, [h('span', { class: 'jx-code', text: f.code }), h('span', { class: 'jx-msg', text: f.message }),
                h('span', { class: 'jx-sub', text: f.label || f.table || '' })])))) : h('p', { class: 'jx-empty', text: '无' }));
        })],
      };
    });
    sidebarBlock('changes', () => {
      const changes = a ? a.changes || [] : [];
      return {
        sig: changes,
        nodes: changes.length ? h('details', { class: 'jx-settle' }, h('summary', { text: `系统计算修正的数字（${changes.length}）` }),
          h('ul', { class: 'jx-list' }, changes.map((c) => h('li', {}, focusLink(c.path, [h('span', { class: 'jx-msg', text: `${c.label}：${c.before || '（空）'} → ${c.after}` }),
            h('span', { class: 'jx-sub', text: c.reason || '' })]))))) : null,
      };
    });
    sidebarBlock('comments', () => {
      const open = state.comments.filter((c) => !c.resolved);
      const done = state.comments.filter((c) => c.resolved);
      const item = (c) => h('li', { class: c.resolved ? 'jx-resolved' : '' }, focusLink(c.field, [
        h('span', { class: 'jx-sub', text: c.label || labelOf(c.field) }), h('span', { class: 'jx-msg', text: c.text }),
        h('span', { class: 'jx-sub', text: `${c.author || ''} ${fmtTime(c.at)}${c.resolved ? ' · 已处理' : ''}` })]));
      return {
        sig: state.comments,
        nodes: state.comments.length ? [h('h3', { text: `审核批注（${open.length}）` }), h('ul', { class: 'jx-list jx-comments' }, open.map(item)),
          done.length ? h('details', {}, h('summary', { text: `已处理（${done.length}）` }), h('ul', { class: 'jx-list jx-comments' }, done.map(item))) : null] : null,
      };
    });
    sidebarBlock('pending', () => ({
      sig: [state.mode, state.pending],
      nodes: state.mode === 'review' ? [h('h3', { text: `待提交的批注（${state.pending.length}）` }),
        state.pending.length ? h('ul', { class: 'jx-list jx-pending-list' }, state.pending.map((c, i) => h('li', {},
          focusLink(c.field, [h('span', { class: 'jx-sub', text: labelOf(c.field) }), h('span', { class: 'jx-msg', text: c.text })]),
          button('移除', '移除此批注', () => removePending(i), { class: 'jx-link-btn', label: `移除批注：${c.text}` }))))
          : h('p', { class: 'jx-empty', text: '将鼠标移到字段上（或用 Tab 键选中字段），点击「批注」添加。' })] : null,
    }));
    sidebarBlock('previous', () => {
      const changes = state.previous && Array.isArray(state.previous.changes) ? state.previous.changes : [];
      return {
        sig: changes,
        nodes: changes.length ? h('details', { class: 'jx-prev' }, h('summary', { text: `与上次提交相比修改了 ${changes.length} 处` }),
          h('ul', { class: 'jx-list' }, changes.map((c) => h('li', {}, focusLink(c.path, [h('span', { class: 'jx-sub', text: c.label || c.path }),
            h('span', { class: 'jx-msg', text: `${c.before || '（空）'} → ${c.after || '（空）'}` })]))))) : null,
      };
    });
  }

  // ------------------------------------------------------------------ focusing fields

  function focusPath(path) {
    const el = resolve(path) || state.root.querySelector('.jx-section');
    if (!el) return;
    const target = el.matches('input, textarea, select, output, [tabindex]') ? el : el.querySelector('[data-kind]') || el;
    if (!target.matches('input, textarea, select, [tabindex]')) target.setAttribute('tabindex', '-1');
    target.scrollIntoView({ block: 'center', behavior: 'smooth' });
    target.focus({ preventScroll: true });
    el.classList.remove('jx-flash');
    void el.offsetWidth; // restart the animation
    el.classList.add('jx-flash');
    window.setTimeout(() => el.classList.remove('jx-flash'), FLASH_MS);
  }

  // ------------------------------------------------------------------ analysis

  function scheduleAnalyse() {
    window.clearTimeout(state.analyseTimer);
    state.analyseTimer = window.setTimeout(() => { runAnalyse(); }, ANALYSE_DELAY_MS);
  }

  function setAnalysing(delta) {
    state.inFlight += delta;
    if (state.inFlight > 0) state.root.dataset.analysing = '1';
    else delete state.root.dataset.analysing;
  }

  /** POST the document for analysis; only the response to the latest request is applied. */
  function runAnalyse() {
    window.clearTimeout(state.analyseTimer);
    const seq = ++state.analyseSeq;
    const sent = clone(state.doc);
    setAnalysing(1);
    const promise = postJSON(state.urls.analyse, { document: sent }).then((res) => {
      setAnalysing(-1);
      if (seq !== state.analyseSeq) return state.latestAnalyse; // an older answer: the newer one decides
      if (res.status === 200 && res.data && typeof res.data.ok === 'boolean') {
        applyAnalysis(res.data, sent);
      } else {
        state.analysisError = serverTrouble(res);
        decorate();
      }
      return res.data;
    }).catch((err) => {
      // A bug in showing the result must not become an uncaught rejection.
      console.error('jixiao editor: analysis display failed', err);
      return null;
    });
    state.latestAnalyse = promise;
    return promise;
  }

  function applyAnalysis(analysis, sent) {
    state.analysisError = '';
    if (analysis.ok) {
      state.good = { analysis, sent };
      state.problems = [];
    } else {
      state.problems = Array.isArray(analysis.problems) ? analysis.problems : [];
    }
    decorate();
  }

  // ------------------------------------------------------------------ saving

  function setSaveState(name, message = '') {
    state.saveState = name;
    state.saveMessage = message;
    state.root.dataset.saveState = name;
    const status = state.root.querySelector('.jx-save-status');
    if (!status) return;
    let text = message;
    if (!text) {
      text = {
        saved: `已保存 · 版本 ${state.version ?? '—'}${state.savedAt ? ` · ${fmtTime(state.savedAt)}` : ''}`,
        dirty: '有未保存的修改',
        saving: '正在保存…',
        error: '保存失败',
        conflict: '他人已保存了新版本，自动保存已停止',
      }[name];
    }
    status.textContent = text;
    status.className = `jx-save-status jx-save-${name}`;
    const reopen = state.root.querySelector('.jx-conflict-open');
    if (reopen) reopen.hidden = name !== 'conflict';
  }

  function markDirty() {
    state.editSeq += 1;
    state.saveProblems = [];
    if (!state.saving && !state.conflict && !state.retryTimer) setSaveState('dirty');
    scheduleAnalyse();
    scheduleSave(AUTOSAVE_DELAY_MS);
  }

  function scheduleSave(delay) {
    if (!editable() || state.conflict) return;
    if (state.retryTimer) return; // a retry with backoff is already planned
    window.clearTimeout(state.saveTimer);
    state.saveTimer = window.setTimeout(() => { save(); }, delay);
  }

  function flushSave() {
    if (editable() && dirty() && !state.conflict) save();
  }

  /**
   * Save the whole document with the version it was loaded/saved at. One save at a
   * time: a call during a save waits for it and then saves what changed meanwhile.
   */
  function save() {
    if (state.mode !== 'edit' || state.readOnly) return Promise.resolve(saveSummary());
    if (state.saving) return state.saving.then(() => (dirty() ? save() : saveSummary()));
    if (!dirty()) return Promise.resolve(saveSummary());
    window.clearTimeout(state.saveTimer);
    window.clearTimeout(state.retryTimer);
    state.retryTimer = 0;
    const seq = state.editSeq;
    const sent = clone(state.doc);
    setSaveState('saving');
    state.saving = postJSON(state.urls.save, { document: sent, version: state.version })
      .then((res) => handleSaveResponse(res, seq, sent))
      .catch((err) => {
        console.error('jixiao editor: save handling failed', err);
        setSaveState('error', '保存时出现意外错误，请稍后重试');
        return { ok: false, message: String(err) };
      })
      .finally(() => {
        state.saving = null;
        if (dirty() && state.saveState === 'saved') setSaveState('dirty');
        if (dirty() && !state.conflict && !state.readOnly && !state.retryTimer && state.saveState !== 'error') scheduleSave(300);
      });
    return state.saving;
  }

  function saveSummary() {
    return { ok: !dirty() && state.saveState === 'saved', state: state.saveState, version: state.version, message: state.saveMessage };
  }

  function handleSaveResponse(res, seq, sent) {
    const data = res.data || {};
    if (res.status === 200 && data.ok) {
      state.version = data.version ?? state.version;
      state.savedAt = data.saved_at || new Date().toISOString();
      state.savedBy = data.saved_by || '';
      state.savedSeq = seq;
      state.savedDoc = sent;
      state.retryDelay = 0;
      state.saveProblems = [];
      // The server's analysis is for what was saved: use it only if nothing changed and no newer analysis is coming.
      if (data.analysis && state.editSeq === seq && !state.root.dataset.analysing) applyAnalysis(data.analysis, sent);
      setSaveState(dirty() ? 'dirty' : 'saved');
      return { ok: true, version: state.version, saved_at: state.savedAt };
    }
    if (res.status === 409 && data.conflict) {
      state.conflict = data;
      window.clearTimeout(state.saveTimer);
      setSaveState('conflict');
      showConflictDialog(data);
      return { ok: false, conflict: true };
    }
    if (res.status === 400 && Array.isArray(data.problems)) {
      state.saveProblems = data.problems;
      setSaveState('error', `未保存：文档有 ${data.problems.length} 处问题需先更正`);
      decorate();
      showProblemsDialog(data.problems);
      return { ok: false, problems: data.problems };
    }
    if (res.status === 403) {
      const message = data.message || '没有修改权限。';
      switchToReadOnly(message);
      return { ok: false, forbidden: true, message };
    }
    // Network failure, 5xx, or an answer we cannot read: try again later, longer each time.
    state.retryDelay = Math.min(RETRY_MAX_MS, state.retryDelay ? state.retryDelay * 2 : RETRY_FIRST_MS);
    const seconds = Math.round(state.retryDelay / 1000);
    setSaveState('error', `保存失败：${serverTrouble(res)}。${seconds} 秒后自动重试`);
    state.retryTimer = window.setTimeout(() => { state.retryTimer = 0; save(); }, state.retryDelay);
    return { ok: false, retry: true, message: serverTrouble(res) };
  }

  function switchToReadOnly(message) {
    state.readOnly = true;
    window.clearTimeout(state.saveTimer);
    applyReadOnly();
    setSaveState('error', `无法保存：${message}（已切换为只读）`);
    decorate();
    showDialog('无法保存', [h('p', { text: message }), h('p', { text: '编辑器已切换为只读。未保存的修改可在刷新前复制保存。' }),
      unsavedEditsBlock()], [{ text: '知道了', primary: true }]);
  }

  // ------------------------------------------------------------------ dialogs

  /** A modal dialog; buttons: [{text, primary, action}] (a button without action just closes). */
  function showDialog(title, body, buttons, { onClose } = {}) {
    closeDialog();
    const previousFocus = document.activeElement;
    const titleId = 'jx-dialog-title';
    const close = () => {
      backdrop.remove();
      document.removeEventListener('keydown', onKey, true);
      if (onClose) onClose();
      if (previousFocus && previousFocus.isConnected) previousFocus.focus({ preventScroll: true });
    };
    const onKey = (e) => {
      if (e.key === 'Escape') { e.preventDefault(); close(); }
    };
    const footer = h('div', { class: 'jx-dialog-buttons' }, buttons.map((b) => h('button', {
      type: 'button', class: `jx-btn ${b.primary ? 'jx-primary' : ''}`, text: b.text,
      onclick: () => { if (!b.action || b.action(close) !== false) close(); },
    })));
    const dialog = h('div', { class: 'jx-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId },
      h('h2', { id: titleId, text: title }), h('div', { class: 'jx-dialog-body' }, body), footer);
    const backdrop = h('div', { class: 'jx-backdrop' }, dialog);
    state.root.append(backdrop);
    document.addEventListener('keydown', onKey, true);
    state.closeDialog = close;
    (footer.querySelector('.jx-primary') || footer.querySelector('button')).focus();
    return { dialog, close };
  }

  function closeDialog() {
    const backdrop = state.root && state.root.querySelector('.jx-backdrop');
    if (backdrop && state.closeDialog) state.closeDialog();
  }

  function changesTable(changes) {
    return h('div', { class: 'jx-scroll jx-dialog-table' }, h('table', { class: 'jx-table' },
      h('thead', {}, h('tr', {}, h('th', { text: '字段' }), h('th', { text: '你打开时' }), h('th', { text: '对方保存的' }))),
      h('tbody', {}, changes.map((c) => h('tr', {}, h('td', { text: c.label || c.path }), h('td', { text: c.before || '（空）' }), h('td', { text: c.after || '（空）' }))))));
  }

  /** The edits not yet saved, as copyable text, so nothing typed is lost when reloading. */
  function unsavedEditsBlock() {
    const edits = diffDocs(state.savedDoc, state.doc);
    if (!edits.length) return h('p', { class: 'jx-sub', text: '你没有未保存的修改。' });
    const text = edits.map((e) => `${labelOf(e.path)}：${e.after || '（清空）'}${e.before ? `（原为 ${e.before}）` : ''}`).join('\n');
    return h('div', { class: 'jx-unsaved' },
      h('p', { class: 'jx-alert jx-alert-warning', text: `你有 ${edits.length} 处未保存的修改，载入最新版本后将被丢弃。请先复制下面的内容：` }),
      h('textarea', { class: 'jx-copy', readOnly: true, rows: Math.min(10, edits.length + 1), 'aria-label': '未保存的修改', value: text }));
  }

  function showConflictDialog(data) {
    const body = [
      h('p', { class: 'jx-alert jx-alert-warning', text: data.message || '这份自评已被他人修改并保存。' }),
      h('dl', { class: 'jx-facts' },
        h('dt', { text: '保存人' }), h('dd', { text: data.saved_by || '—' }),
        h('dt', { text: '保存时间' }), h('dd', { text: fmtTime(data.saved_at) || '—' }),
        h('dt', { text: '最新版本' }), h('dd', { text: data.current_version !== undefined ? `版本 ${data.current_version}` : '—' }),
        h('dt', { text: '你打开的版本' }), h('dd', { text: `版本 ${state.version ?? '—'}` })),
      Array.isArray(data.changes) && data.changes.length ? [h('h3', { text: `对方修改的内容（${data.changes.length} 处）` }), changesTable(data.changes)] : null,
      h('p', { class: 'jx-sub', text: '自动保存已停止，以免覆盖对方的修改。' }),
    ];
    showDialog('文档已被他人修改', body, [
      { text: '载入最新版本', primary: true, action: () => { confirmReload(); return true; } },
      { text: '暂不处理' },
    ]);
  }

  function confirmReload() {
    if (!dirty()) { reloadPage(); return; }
    // Let the dialog close first, then ask again with the list of edits to copy.
    window.setTimeout(() => showDialog('放弃未保存的修改？', [unsavedEditsBlock()], [
      { text: '放弃修改并载入最新版本', primary: true, action: () => { reloadPage(); } },
      { text: '返回' },
    ]), 0);
  }

  function reloadPage() {
    state.allowUnload = true;
    window.location.reload();
  }

  function showProblemsDialog(problems) {
    showDialog('未保存：文档有问题', [
      h('p', { text: '服务器检查发现下列问题，本次没有保存。请更正后再保存：' }),
      h('ul', { class: 'jx-list' }, problems.map((p) => h('li', {}, focusLink(p.path, [h('span', { class: 'jx-msg', text: p.message }),
        h('span', { class: 'jx-sub', text: p.label || p.path })])))),
    ], [{ text: '知道了', primary: true }]);
  }

  // ------------------------------------------------------------------ floating panels (evidence, comment box)

  function closePanel() {
    const panel = state.root.querySelector('.jx-panel');
    if (panel) {
      panel.remove();
      if (state.panelReturn && state.panelReturn.isConnected) state.panelReturn.focus({ preventScroll: true });
      state.panelReturn = null;
    }
  }

  function openPanel(anchor, title, body) {
    closePanel();
    const panel = h('div', { class: 'jx-panel', role: 'dialog', 'aria-label': title },
      h('div', { class: 'jx-panel-head' }, h('strong', { text: title }), button('✕', '关闭', closePanel, { class: 'jx-icon' })), body);
    state.root.append(panel);
    const rootRect = state.root.getBoundingClientRect();
    const rect = anchor.getBoundingClientRect();
    const width = panel.offsetWidth;
    const left = Math.max(0, Math.min(rect.left - rootRect.left, state.root.clientWidth - width - 4));
    panel.style.left = `${left}px`;
    panel.style.top = `${rect.bottom - rootRect.top + 4}px`;
    state.panelReturn = anchor;
    return panel;
  }

  function evidenceList(path) {
    const files = evidenceFor(path);
    if (!files.length) return h('p', { class: 'jx-empty', text: '暂无证明材料。' });
    return h('table', { class: 'jx-table jx-ev-files' },
      h('thead', {}, h('tr', {}, h('th', { text: '文件' }), h('th', { text: '大小' }), h('th', { text: '上传人' }), h('th', { text: '时间' }))),
      h('tbody', {}, files.map((f) => h('tr', {},
        h('td', {}, f.url ? h('a', { href: f.url, target: '_blank', rel: 'noopener', text: f.name || '文件' }) : (f.name || '文件')),
        h('td', { class: 'jx-n', text: fmtSize(f.size) }), h('td', { text: f.uploaded_by || '' }), h('td', { text: fmtTime(f.uploaded_at) })))));
  }

  function openEvidencePanel(path, anchor, label) {
    const list = h('div', { class: 'jx-ev-list' }, evidenceList(path));
    const status = h('p', { class: 'jx-ev-status', role: 'status' });
    const parts = [list];
    if (editable() && state.urls.evidence) {
      const file = h('input', { type: 'file', multiple: true, 'aria-label': `上传证明材料：${label}` });
      file.addEventListener('change', () => uploadEvidence(path, file, list, status));
      parts.push(h('label', { class: 'jx-ev-upload' }, h('span', { text: '上传：' }), file), status);
    }
    openPanel(anchor, `证明材料 · ${label}`, parts);
  }

  async function uploadEvidence(path, fileInput, list, status) {
    const files = [...fileInput.files];
    for (const file of files) {
      status.textContent = `正在上传「${file.name}」…`;
      status.className = 'jx-ev-status';
      const form = new FormData();
      form.append('file', file);
      form.append('path', path);
      const res = await request(state.urls.evidence, { headers: { 'X-CSRFToken': state.csrf, Accept: 'application/json' }, body: form });
      if (res.status === 200 && res.data && res.data.ok && Array.isArray(res.data.evidence)) {
        state.evidence = res.data.evidence;
        status.textContent = `已上传「${file.name}」。`;
      } else {
        status.textContent = `上传「${file.name}」失败：${serverTrouble(res)}`;
        status.className = 'jx-ev-status jx-alert-error';
        break;
      }
    }
    fileInput.value = '';
    if (list.isConnected) list.replaceChildren(evidenceList(path));
    decorateEvidence();
  }

  // ------------------------------------------------------------------ review comments

  function openCommentBox(path, anchor) {
    const target = anchor || resolve(path);
    if (!target) return;
    const label = labelOf(path);
    const text = h('textarea', { rows: 3, class: 'jx-comment-text', 'aria-label': `批注内容：${label}`, placeholder: '写下批注（如：请核实此数）' });
    const submit = () => {
      const value = text.value.trim();
      if (!value) { text.focus(); return; }
      state.pending.push({ field: path, text: value });
      syncPending();
      closePanel();
    };
    text.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); }
    });
    openPanel(target, `批注 · ${label}`, [text, h('div', { class: 'jx-panel-buttons' },
      button('添加批注', '添加批注', submit, { class: 'jx-primary' }), button('取消', '取消', closePanel))]);
    text.focus();
  }

  function removePending(i) {
    state.pending.splice(i, 1);
    syncPending();
  }

  /** Mirror the pending comments into the reviewer's return form, when the page has one. */
  function syncPending() {
    const hidden = document.getElementById('review-comments');
    if (hidden) {
      hidden.value = JSON.stringify(state.pending.map((c) => ({ field: c.field, text: c.text })));
      hidden.dispatchEvent(new Event('change', { bubbles: true }));
    }
    decorate();
  }

  /** The floating 「批注」 button shown on the hovered or focused field in review mode. */
  function showAnnotateButton(el) {
    const btn = state.annotateButton;
    // A keyboard user sitting on the button keeps it where it is.
    if (!btn || !el || document.activeElement === btn) return;
    const box = el.closest('.jx-box');
    if (!box) return;
    btn.dataset.path = el.dataset.path;
    btn.setAttribute('aria-label', `批注：${labelOf(el.dataset.path)}`);
    if (btn.parentElement !== box) box.append(btn);
  }

  function setupReview() {
    const btn = h('button', { type: 'button', class: 'jx-annot-btn', title: '批注', text: '批注' });
    btn.addEventListener('click', () => {
      const path = btn.dataset.path;
      if (path) openCommentBox(path, indexPaths().get(path));
    });
    state.annotateButton = btn;
    const main = state.root.querySelector('.jx-main');
    const pick = (e) => {
      const el = e.target.closest && e.target.closest('[data-kind], output.derived');
      if (el && main.contains(el)) showAnnotateButton(el);
    };
    main.addEventListener('mouseover', pick);
    main.addEventListener('focusin', pick);
  }

  // ------------------------------------------------------------------ indicator library (指标库)
  // A unit person picks an indicator of the bureau's library instead of typing it: the picked
  // name, target and unit (and 指标说明 when the row has none) go into a row. From a row's
  // 「指标库」 button they fill that row; from 「从指标库添加」 a new row goes where the
  // indicator's 一级 › 二级 fit the document. Typing freely still works.

  const LIBRARY_DELAY_MS = 250;
  const LIBRARY_LIMIT = 30;

  function libraryButton(label, onclick) {
    if (!state.urls.indicators) return null;
    return button('指标库', label, onclick, { class: 'jx-lib-btn jx-edit-only' });
  }

  /** A level name as compared across documents: 产出指标 and 产出 are the same level. */
  function levelKey(name) {
    return String(name || '').replace(/\s+/g, '').replace(/(指标|类)$/, '');
  }

  function libraryLevels() {
    const seen = new Set();
    for (const c of listOf('indicators')) {
      const key = levelKey(c && c.name);
      if (key) seen.add(key);
    }
    return [...seen];
  }

  function libraryOption(item, id, common) {
    const badges = [
      item.recommended ? h('span', { class: 'jx-lib-tag jx-lib-rec', text: '推荐' }) : null,
      common || item.common ? h('span', { class: 'jx-lib-tag jx-lib-common', text: '共性指标' }) : null,
    ];
    const facts = [];
    if (item.target) facts.push(`常用指标值 ${item.target}`);
    if (item.unit) facts.push(`单位 ${item.unit}`);
    if (item.range) facts.push(`范围 ${item.range}`);
    if (item.uses !== undefined) facts.push(`使用 ${item.uses} 次`);
    if (item.years) facts.push(`${item.years}年度`);
    const where = common ? (item.direction || '') : `${item.level1 || '（未填）'} › ${item.level2 || '（未填）'}${item.kind_label ? ` · ${item.kind_label}` : ''}`;
    const hint = item.formula || '';
    return h('li', { id, role: 'option', class: 'jx-lib-option', 'aria-selected': 'false' },
      h('div', { class: 'jx-lib-line' }, h('strong', { class: 'jx-lib-name', text: item.name }), badges),
      h('div', { class: 'jx-lib-sub', text: where }),
      facts.length ? h('div', { class: 'jx-lib-sub', text: facts.join(' · ') }) : null,
      item.note ? h('div', { class: 'jx-lib-note', text: `推荐说明：${item.note}` }) : null,
      hint ? h('div', { class: 'jx-lib-formula', text: hint }) : null,
      item.departments && item.departments.length ? h('div', { class: 'jx-lib-sub', text: `使用部门：${item.departments.join('、')}${item.more_departments ? ` 等${item.department_count}个` : ''}` }) : null);
  }

  /**
   * The picker dialog. opts.leafPath: fill that row; else add a row where the pick fits.
   * Keyboard: type to search, ↑/↓ to move, Enter to pick, Esc to close.
   */
  function openLibrary(opts) {
    if (!editable() || !state.urls.indicators) return;
    const leafPath = opts.leafPath || '';
    const catPath = leafPath ? leafPath.replace(/\.children\[\d+\]\.children\[\d+\]$/, '') : '';
    const rowLevel = catPath ? levelKey(getAt(state.doc, `${catPath}.name`)) : '';
    const kindName = KIND_NAMES[state.doc.kind] ? state.doc.kind : '';
    const listId = 'jx-lib-list';
    const input = h('input', {
      type: 'search', class: 'jx-lib-q', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'true',
      'aria-controls': listId, 'aria-label': '检索指标库（指标名称）', placeholder: '输入指标名称，如 满意度、执行率', autocomplete: 'off',
    });
    const level = h('select', { class: 'jx-lib-level', 'aria-label': '指标层级' },
      h('option', { value: '', text: '全部层级' }), libraryLevels().map((l) => h('option', { value: l, text: l })));
    level.value = rowLevel && libraryLevels().includes(rowLevel) ? rowLevel : '';
    const sameKind = h('input', { type: 'checkbox', class: 'jx-lib-kind', checked: !!kindName });
    const status = h('p', { class: 'jx-lib-status', role: 'status', 'aria-live': 'polite' });
    const list = h('ul', { id: listId, class: 'jx-lib-list', role: 'listbox', 'aria-label': '指标库检索结果' });
    const picker = { items: [], active: -1, seq: 0, timer: 0 };

    const setActive = (i) => {
      const options = list.querySelectorAll('[role=option]');
      if (!options.length) { picker.active = -1; input.removeAttribute('aria-activedescendant'); return; }
      picker.active = Math.max(0, Math.min(i, options.length - 1));
      options.forEach((o, k) => {
        o.setAttribute('aria-selected', k === picker.active ? 'true' : 'false');
        o.classList.toggle('jx-lib-active', k === picker.active);
      });
      const el = options[picker.active];
      input.setAttribute('aria-activedescendant', el.id);
      el.scrollIntoView({ block: 'nearest' });
    };

    const show = (data) => {
      const common = Array.isArray(data.common) ? data.common : [];
      const results = Array.isArray(data.results) ? data.results : [];
      picker.items = [...common.map((c) => ({ ...c, isCommon: true })), ...results];
      picker.active = -1;
      input.removeAttribute('aria-activedescendant');
      const nodes = [];
      if (common.length) nodes.push(h('li', { role: 'presentation', class: 'jx-lib-head', text: '共性指标（计算公式统一）' }));
      common.forEach((c, i) => nodes.push(libraryOption(c, `jx-lib-opt-${i}`, true)));
      if (results.length) nodes.push(h('li', { role: 'presentation', class: 'jx-lib-head', text: '本局已通过自评中的指标（推荐在前，按使用次数）' }));
      results.forEach((r, i) => nodes.push(libraryOption(r, `jx-lib-opt-${common.length + i}`, false)));
      list.replaceChildren(...nodes);
      const n = picker.items.length;
      status.textContent = n ? `找到 ${n} 个${data.more ? '（仅显示前面的，可输入更多字缩小范围）' : ''}；用 ↑↓ 选择，回车选用。` : '没有找到。可换个词，或关闭后直接在表格中输入。';
    };

    const search = () => {
      window.clearTimeout(picker.timer);
      const seq = ++picker.seq;
      const params = new URLSearchParams({ q: input.value.trim(), level: level.value, limit: String(LIBRARY_LIMIT) });
      if (sameKind.checked && kindName) params.set('kind', kindName);
      status.textContent = '正在检索…';
      request(`${state.urls.indicators}?${params}`, { method: 'GET', headers: { Accept: 'application/json' } }).then((res) => {
        if (seq !== picker.seq) return; // a newer search decides
        if (res.status === 200 && res.data && res.data.ok) show(res.data);
        else { list.replaceChildren(); picker.items = []; status.textContent = `无法检索指标库：${serverTrouble(res)}`; }
      });
    };
    const later = () => { window.clearTimeout(picker.timer); picker.timer = window.setTimeout(search, LIBRARY_DELAY_MS); };

    let dialog = null;
    const choose = (i) => {
      const item = picker.items[i];
      if (!item) return;
      dialog.close();
      pickIndicator(item, leafPath);
    };
    input.addEventListener('input', later);
    level.addEventListener('change', search);
    sameKind.addEventListener('change', search);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown') { e.preventDefault(); setActive(picker.active + 1); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); setActive(picker.active - 1); }
      else if (e.key === 'Enter') {
        e.preventDefault();
        if (picker.active >= 0) choose(picker.active);
        else if (picker.items.length) setActive(0);
      }
    });
    list.addEventListener('click', (e) => {
      const option = e.target.closest('[role=option]');
      if (option) choose(Number(option.id.replace('jx-lib-opt-', '')));
    });
    list.addEventListener('mousemove', (e) => {
      const option = e.target.closest('[role=option]');
      if (option) setActive(Number(option.id.replace('jx-lib-opt-', '')));
    });
    const target = leafPath ? labelOf(`${leafPath}.name`).replace(/ 三级指标名称$/, '') : '新的三级指标（按其一级、二级指标放入相应位置）';
    dialog = showDialog('从指标库选择指标', [
      h('p', { class: 'jx-sub', text: `选用后填入：${target}。选用的指标名称、指标值和度量单位可以再修改。` }),
      h('div', { class: 'jx-lib-bar' }, input, level,
        kindName ? h('label', { class: 'jx-check' }, sameKind, h('span', { text: `只看${KIND_NAMES[kindName].replace('绩效自评', '')}` })) : null),
      status, list,
    ], [{ text: '取消' }]);
    dialog.dialog.classList.add('jx-lib-dialog');
    dialog.dialog.addEventListener('keydown', (e) => trapFocus(e, dialog.dialog));
    input.focus();
    search();
  }

  /** Tab and Shift+Tab stay inside a modal dialog. */
  function trapFocus(e, box) {
    if (e.key !== 'Tab') return;
    const stops = [...box.querySelectorAll('input, select, button, textarea, [tabindex="0"]')].filter((el) => !el.disabled && el.offsetParent !== null);
    if (!stops.length) return;
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  }

  /** The picked indicator as row data: name, target, unit, and 指标说明 (the formula of a common one). */
  function pickedLeaf(item) {
    const leaf = { name: item.name };
    if (item.target) leaf.target = item.target;
    if (item.unit) leaf.unit = item.unit;
    const description = item.description || item.formula || '';
    if (description) leaf.description = description;
    return leaf;
  }

  function pickIndicator(item, leafPath) {
    const ids = ['indicators', 'evidence'];
    const picked = pickedLeaf(item);
    let path = leafPath;
    if (leafPath) {
      fillLeaf(leafPath, picked);
      // Level placement where the row has none yet: an unnamed group takes the pick's 二级, an unnamed category its 一级.
      const groupPath = parentPath(parentPath(leafPath));
      const catPath = parentPath(parentPath(groupPath));
      if (!String(getAt(state.doc, `${groupPath}.name`) || '').trim() && item.level2) setAt(state.doc, `${groupPath}.name`, item.level2);
      if (!String(getAt(state.doc, `${catPath}.name`) || '').trim() && item.level1) setAt(state.doc, `${catPath}.name`, item.level1);
    } else {
      path = placeLeaf(item, picked);
    }
    structureChanged(ids, path);
    focusPath(`${path}.name`);
  }

  /** Fill a row: name, target and unit from the pick; 指标说明 only when the row has none. */
  function fillLeaf(path, picked) {
    setAt(state.doc, `${path}.name`, picked.name);
    for (const key of ['target', 'unit']) if (picked[key]) setAt(state.doc, `${path}.${key}`, picked[key]);
    if (picked.description && !String(getAt(state.doc, `${path}.description`) || '').trim()) {
      setAt(state.doc, `${path}.description`, picked.description);
    }
  }

  /**
   * Put a picked indicator where it fits: into the group of the same 二级 name (under the same
   * 一级 if there is one), else a new group under the category of the same 一级, else a new
   * category. An empty row there is filled instead of adding one. Returns the row's path.
   */
  function placeLeaf(item, picked) {
    const cats = listOf('indicators');
    const l1 = levelKey(item.level1);
    const l2 = levelKey(item.level2);
    let ci = cats.findIndex((c) => c && l1 && levelKey(c.name) === l1);
    let gi = -1;
    if (ci < 0 && !l1 && item.isCommon) {
      // A common indicator nobody here has used yet: among the management indicators (投入管理 / 过程).
      ci = cats.findIndex((c) => c && /投入|管理|过程/.test(c.name || ''));
      if (ci >= 0) gi = (cats[ci].children || []).findIndex((g) => g && /预算|财务|资金|绩效管理/.test(g.name || ''));
      if (ci >= 0 && gi < 0 && (cats[ci].children || []).length) gi = 0;
    }
    if (ci >= 0 && l2) gi = (cats[ci].children || []).findIndex((g) => g && levelKey(g.name) === l2);
    if (gi < 0 && l2) {
      for (let i = 0; i < cats.length && gi < 0; i++) {
        const found = ((cats[i] && cats[i].children) || []).findIndex((g) => g && levelKey(g.name) === l2);
        if (found >= 0) { ci = i; gi = found; }
      }
    }
    if (ci < 0) {
      cats.push({ name: item.level1 || '', children: [] });
      setAt(state.doc, 'indicators', cats);
      ci = cats.length - 1;
    }
    const cat = cats[ci];
    if (!Array.isArray(cat.children)) cat.children = [];
    if (gi < 0) {
      // An unnamed group (a blank form has one per category) takes the pick's 二级 name.
      gi = cat.children.findIndex((g) => g && !String(g.name || '').trim());
      if (gi < 0) { cat.children.push({ name: '', children: [] }); gi = cat.children.length - 1; }
      if (item.level2) cat.children[gi].name = item.level2;
    }
    const group = cat.children[gi];
    if (!Array.isArray(group.children)) group.children = [];
    let k = group.children.findIndex((leaf) => leaf && !hasContent(leaf));
    if (k < 0) { group.children.push({ name: '' }); k = group.children.length - 1; }
    const path = `indicators[${ci}].children[${gi}].children[${k}]`;
    fillLeaf(path, picked);
    return path;
  }

  // ------------------------------------------------------------------ layout and events

  function renderShell() {
    const nav = h('nav', { class: 'jx-nav', 'aria-label': '章节导航' },
      h('ul', {}, visibleSections().map((s) => h('li', {}, h('a', { href: `#jx-sec-${s.id}`, 'data-section': s.id, text: s.title })))),
      h('span', { class: `jx-mode jx-mode-${state.mode}`, text: `${MODE_NAMES[state.mode] || ''}模式` }));
    const main = h('div', { class: 'jx-main' }, nav, visibleSections().map((s) => s.render()));
    const saveBar = state.mode === 'edit'
      ? h('div', { class: 'jx-savebar' },
        h('span', { class: 'jx-save-status', role: 'status', 'aria-live': 'polite' }),
        h('button', { type: 'button', class: 'jx-btn jx-conflict-open', hidden: true, text: '查看冲突', onclick: () => state.conflict && showConflictDialog(state.conflict) }),
        h('button', { type: 'button', class: 'jx-btn jx-primary jx-save-btn jx-edit-only', title: '保存（Ctrl+S）', text: '保存', onclick: () => { if (!dirty()) state.editSeq += 1; save(); } }))
      : h('div', { class: 'jx-savebar' }, h('span', { class: 'jx-save-status', text: state.mode === 'review' ? '审核模式：内容只读，可添加批注' : '只读：不能修改此自评' }));
    const side = h('aside', { class: 'jx-side', 'aria-label': '自评得分与审核结果' }, saveBar,
      ['analysis-status', 'score', 'problems', 'findings', 'changes', 'comments', 'pending', 'previous']
        .map((key) => h('div', { class: `jx-block jx-block-${key}`, 'data-block': key, 'aria-live': key === 'score' ? 'polite' : null })));
    state.root.replaceChildren(h('div', { class: 'jx-layout' }, main, side));
  }

  function onInput(e) {
    const el = e.target;
    if (!el.dataset || !el.dataset.kind || !el.dataset.path || !editable()) return;
    // select and checkbox fire both input and change: handle them once, on change
    if (e.type === 'input' && (el.tagName === 'SELECT' || el.type === 'checkbox')) return;
    writeField(el);
    autoGrow(el);
    markDirty();
  }

  function onClick(e) {
    const link = e.target.closest && e.target.closest('a[data-goto]');
    if (link && state.root.contains(link)) {
      e.preventDefault();
      closeDialog();
      focusPath(link.dataset.goto);
      return;
    }
    const nav = e.target.closest && e.target.closest('.jx-nav a[data-section]');
    if (nav) {
      e.preventDefault();
      const sec = state.root.querySelector(`#jx-sec-${nav.dataset.section}`);
      if (sec) { sec.scrollIntoView({ behavior: 'smooth', block: 'start' }); sec.focus({ preventScroll: true }); }
    }
  }

  function watchSections() {
    if (!('IntersectionObserver' in window)) return;
    const links = state.root.querySelectorAll('.jx-nav a[data-section]');
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const id = entry.target.id.replace('jx-sec-', '');
        links.forEach((a) => a.classList.toggle('jx-current', a.dataset.section === id));
      }
    }, { rootMargin: '-20% 0px -70% 0px' });
    // Sections are replaced on structure changes; observe by id each time.
    const observeAll = () => {
      observer.disconnect();
      state.root.querySelectorAll('.jx-section').forEach((s) => observer.observe(s));
    };
    observeAll();
    state.observeSections = observeAll;
  }

  function bindEvents() {
    state.root.addEventListener('input', onInput);
    state.root.addEventListener('change', (e) => {
      // select and checkbox report through change; text inputs already did through input
      if (e.target.tagName === 'SELECT' || e.target.type === 'checkbox') onInput(e);
    });
    state.root.addEventListener('click', onClick);
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'S')) {
        if (state.mode !== 'edit') return;
        e.preventDefault();
        if (!dirty()) state.editSeq += 1; // an explicit save always reaches the server
        save();
      } else if (e.key === 'Escape' && state.root.querySelector('.jx-panel')) {
        closePanel();
      }
    });
    document.addEventListener('mousedown', (e) => {
      const panel = state.root.querySelector('.jx-panel');
      if (panel && !panel.contains(e.target) && !e.target.closest('.jx-ev-btn, .jx-annot-btn, .jx-annot-row')) closePanel();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') flushSave();
    });
    window.addEventListener('blur', flushSave);
    window.addEventListener('beforeunload', (e) => {
      if (state.allowUnload || state.mode !== 'edit' || !dirty()) return;
      e.preventDefault();
      e.returnValue = '有未保存的修改，确定离开吗？';
      return e.returnValue;
    });
  }

  function readData() {
    const script = document.getElementById('editor-data');
    if (!script) throw new Error('页面缺少 editor-data');
    return JSON.parse(script.textContent);
  }

  function init() {
    const root = document.getElementById('editor');
    if (!root) return;
    state.root = root;
    root.classList.add('jx-editor');
    let data;
    try {
      data = readData();
    } catch (err) {
      root.replaceChildren(h('p', { class: 'jx-alert jx-alert-error', text: `无法载入自评数据：${err.message}` }));
      return;
    }
    state.mode = ['edit', 'view', 'review'].includes(root.dataset.mode) ? root.dataset.mode : 'view';
    state.readOnly = state.mode !== 'edit';
    state.csrf = root.dataset.csrf || '';
    state.urls = { analyse: root.dataset.analyseUrl, save: root.dataset.saveUrl, evidence: root.dataset.evidenceUrl,
      indicators: root.dataset.indicatorsUrl || '' };
    state.doc = data.document && typeof data.document === 'object' ? data.document : {};
    state.savedDoc = clone(state.doc);
    state.version = data.version ?? null;
    state.rulesets = Array.isArray(data.rulesets) ? data.rulesets : [];
    state.comments = Array.isArray(data.comments) ? data.comments : [];
    state.evidence = Array.isArray(data.evidence) ? data.evidence : [];
    state.previous = data.previous || null;
    const analysis = data.analysis;
    if (analysis && analysis.ok) state.good = { analysis, sent: clone(state.doc) };
    else if (analysis && Array.isArray(analysis.problems)) state.problems = analysis.problems;

    renderShell();
    afterRender();
    if (state.mode === 'review') setupReview();
    bindEvents();
    watchSections();
    setSaveState('saved');
    if (!analysis) runAnalyse();
    document.body.dataset.editorReady = '1';
  }

  window.jixiaoEditor = {
    /** A snapshot for tests: the typed document, version, save state and last analysis. */
    state: () => Promise.resolve({
      document: clone(state.doc),
      version: state.version,
      mode: state.mode,
      readOnly: state.readOnly,
      saveState: state.saveState,
      dirty: dirty(),
      analysis: state.good ? clone(state.good.analysis) : null,
      problems: clone(state.problems),
      pendingComments: clone(state.pending),
      evidence: clone(state.evidence),
    }),
    save: () => {
      if (!dirty() && state.mode === 'edit' && !state.readOnly) state.editSeq += 1;
      return save();
    },
    analyse: () => runAnalyse(),
  };

  /**
   * Downloads (report, tables) are written from the saved version: unsaved edits are
   * saved first, so what is downloaded is what is on screen. A refused save (conflict,
   * invalid) keeps the user on the page, where the editor says why.
   */
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[data-download]');
    if (!link || !editable() || !dirty()) return;
    event.preventDefault();
    save().then((result) => {
      if (result && result.ok !== false && !dirty()) window.location.href = link.href;
    });
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
