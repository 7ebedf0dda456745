// @ts-check
/**
 * The claims behind an answer: a "Show the N claims" button under the answer opens an
 * accessible table (caption, column headers, sortable by date and amount with `aria-sort`, in a
 * focusable scroll region for small screens) and a CSV download. The API sends the rows with
 * column labels in member words (`table` in the answer: src/core/claims-table.ts).
 * Every value is written with textContent; CSV cells that a spreadsheet could read as a formula
 * are quoted with a leading apostrophe.
 */

/** @typedef {'date' | 'money' | 'count' | 'text'} ColumnType */
/** @typedef {{ key: string, label: string, type: ColumnType }} TableColumn */
/** @typedef {string | number | boolean | null} Cell */
/**
 * @typedef {object} ClaimsTableData
 * @property {'claims' | 'results'} kind
 * @property {TableColumn[]} columns
 * @property {Record<string, Cell>[]} rows
 */

/** Code columns shown only in the CSV when their plain-word column is there. */
const CODE_OF = /** @type {Record<string, string>} */ ({
  drug: 'ndc_code',
  service: 'procedure_code',
  condition: 'diagnosis_code',
});

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const longDate = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

let tables = 0;

/**
 * True for a table as the API sends it.
 * @param {unknown} value
 * @returns {value is ClaimsTableData}
 */
export function isClaimsTable(value) {
  if (typeof value !== 'object' || value === null) return false;
  const t = /** @type {Record<string, unknown>} */ (value);
  return (
    (t.kind === 'claims' || t.kind === 'results') &&
    Array.isArray(t.columns) &&
    t.columns.every(
      (c) => typeof c === 'object' && c !== null && typeof c.key === 'string' && typeof c.label === 'string',
    ) &&
    Array.isArray(t.rows)
  );
}

/**
 * A cell as the member reads it.
 * @param {Cell | undefined} value
 * @param {ColumnType} type
 */
export function formatCell(value, type) {
  if (value === null || value === undefined || value === '') return '—';
  if (type === 'money' && /^-?\d+(\.\d+)?$/.test(String(value))) return money.format(Number(value));
  if (type === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return longDate.format(new Date(`${value}T00:00:00Z`));
  return String(value);
}

/** @param {ClaimsTableData} table */
function visibleColumns(table) {
  const keys = new Set(table.columns.map((c) => c.key));
  const hidden = new Set(
    Object.entries(CODE_OF)
      .filter(([plain]) => keys.has(plain))
      .map(([, code]) => code),
  );
  if (keys.has('member_name')) hidden.add('relationship_code');
  // A column with nothing in any row (no drug on medical claims) only takes room.
  /** @param {string} key */
  const empty = (key) => table.rows.every((r) => r[key] === null || r[key] === undefined || r[key] === '');
  return table.columns.filter((c) => !hidden.has(c.key) && !(table.rows.length > 0 && empty(c.key)));
}

/**
 * The CSV text of a table: every column (codes included), raw values (ISO dates, decimal money).
 * @param {ClaimsTableData} table
 */
export function toCsv(table) {
  /** @param {Cell | undefined} v */
  const cell = (v) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [table.columns.map((c) => cell(c.label)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => cell(row[c.key])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Compares two cells for sorting (nulls last).
 * @param {Cell | undefined} a
 * @param {Cell | undefined} b
 * @param {ColumnType} type
 */
function compare(a, b, type) {
  const missingA = a === null || a === undefined || a === '';
  const missingB = b === null || b === undefined || b === '';
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  if (type === 'money' || type === 'count') return Number(a) - Number(b);
  return String(a).localeCompare(String(b));
}

/**
 * @param {ClaimsTableData} table
 * @param {boolean} open
 */
function toggleText(table, open) {
  const n = table.rows.length;
  if (table.kind !== 'claims') return open ? 'Hide the details' : 'Show the details';
  if (open) return n === 1 ? 'Hide the claim' : 'Hide the claims';
  return n === 1 ? 'Show the claim' : `Show the ${n} claims`;
}

/**
 * The block under an answer: the toggle, and (hidden until asked for) the table and its download.
 *
 * @example
 * bubble.append(renderClaimsTable(body.table));
 *
 * @param {ClaimsTableData} table
 * @returns {HTMLElement}
 */
export function renderClaimsTable(table) {
  tables += 1;
  const id = `claims-${tables}`;
  const wrap = document.createElement('div');
  wrap.className = 'claims';

  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'claims__toggle';
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', id);
  toggle.textContent = toggleText(table, false);

  const panel = document.createElement('div');
  panel.className = 'claims__panel';
  panel.id = id;
  panel.hidden = true;

  const columns = visibleColumns(table);
  const scroll = document.createElement('div');
  scroll.className = 'claims__scroll';
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-labelledby', `${id}-caption`);
  scroll.tabIndex = 0;

  const el = document.createElement('table');
  el.className = 'claims__table';
  const caption = document.createElement('caption');
  caption.id = `${id}-caption`;
  caption.textContent =
    table.kind === 'claims'
      ? `${table.rows.length === 1 ? 'The claim' : `The ${table.rows.length} claims`} behind this answer`
      : 'The figures behind this answer';
  el.append(caption);

  const head = document.createElement('thead');
  const headRow = document.createElement('tr');
  /** @type {{ key: string, dir: 'ascending' | 'descending' } | undefined} */
  let sorted;
  const body = document.createElement('tbody');
  /** @type {{ th: HTMLTableCellElement, column: TableColumn }[]} */
  const sortable = [];

  const fill = () => {
    const rows = [...table.rows];
    if (sorted) {
      const s = sorted;
      const column = columns.find((c) => c.key === s.key);
      if (column) {
        rows.sort((a, b) => compare(a[s.key], b[s.key], column.type) * (s.dir === 'ascending' ? 1 : -1));
      }
    }
    body.replaceChildren(
      ...rows.map((row) => {
        const tr = document.createElement('tr');
        for (const c of columns) {
          const td = document.createElement('td');
          td.textContent = formatCell(row[c.key], c.type);
          if (c.type === 'money' || c.type === 'count') td.className = 'claims__number';
          tr.append(td);
        }
        return tr;
      }),
    );
    for (const { th, column } of sortable) {
      if (sorted?.key === column.key) th.setAttribute('aria-sort', sorted.dir);
      else th.removeAttribute('aria-sort');
    }
  };

  for (const column of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    if (column.type === 'date' || column.type === 'money') {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'claims__sort';
      b.textContent = column.label;
      b.addEventListener('click', () => {
        // Dates start newest first, amounts largest first; a second click reverses.
        sorted =
          sorted?.key === column.key
            ? { key: column.key, dir: sorted.dir === 'descending' ? 'ascending' : 'descending' }
            : { key: column.key, dir: 'descending' };
        fill();
      });
      th.append(b);
      sortable.push({ th, column });
    } else {
      th.textContent = column.label;
    }
    if (column.type === 'money' || column.type === 'count') th.className = 'claims__number';
    headRow.append(th);
  }
  head.append(headRow);
  el.append(head, body);
  scroll.append(el);

  const download = document.createElement('a');
  download.className = 'claims__download';
  download.textContent = 'Download as CSV';
  download.download = table.kind === 'claims' ? 'claims.csv' : 'answer.csv';
  download.href = '#';
  download.addEventListener('click', () => {
    // Made on demand, from the rows in memory: nothing is fetched again.
    const url = URL.createObjectURL(new Blob([toCsv(table)], { type: 'text/csv;charset=utf-8' }));
    download.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  });

  panel.append(scroll, download);
  toggle.addEventListener('click', () => {
    const open = panel.hidden !== false;
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = toggleText(table, open);
  });
  if (table.columns.some((c) => c.key === 'claim_date')) sorted = { key: 'claim_date', dir: 'descending' };
  fill();
  wrap.append(toggle, panel);
  return wrap;
}
