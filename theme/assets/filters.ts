// Filters of a table of changes or of their risks: form[data-filters]
// names the table, whose rows carry the values filtered on (data-status,
// data-level...). The form's state is mirrored in the URL
// (?status=documented&system=api), so a filtered list can be shared and
// the back button works. A form filters on the fields it has.

const fields = ["status", "type", "system", "level", "tag", "from", "to"] as const;
type Field = (typeof fields)[number];
type State = Partial<Record<Field, string>>;

// The date fields: text boxes that take yyyy-mm-dd, as the site writes
// dates (a date input would show the browser's locale, mm/dd/yyyy).
const dateFields: readonly Field[] = ["from", "to"];

// isoDate tells a real calendar date written yyyy-mm-dd (2026-02-30 is not).
function isoDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

// usable drops the dates that are not dates: a half-typed or mistyped date
// filters nothing out (hiding every row would look like there were none),
// and its box says it is invalid.
function usable(state: State): State {
  const out: State = { ...state };
  for (const f of dateFields) {
    const v = out[f];
    if (v !== undefined && !isoDate(v)) delete out[f];
  }
  return out;
}

function readURL(): State {
  const params = new URLSearchParams(window.location.search);
  const state: State = {};
  for (const f of fields) {
    const v = params.get(f);
    if (v) state[f] = v;
  }
  return state;
}

function writeURL(state: State): void {
  const params = new URLSearchParams();
  for (const f of fields) {
    const v = state[f];
    if (v) params.set(f, v);
  }
  const query = params.toString();
  const url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
  window.history.replaceState(null, "", url);
}

function matches(row: HTMLTableRowElement, s: State): boolean {
  const d = row.dataset;
  if (s.status && d.status !== s.status) return false;
  if (s.type && d.type !== s.type) return false;
  if (s.level && d.level !== s.level) return false;
  if (s.system && !(d.systems ?? "").split(" ").includes(s.system)) return false;
  if (s.tag && !(d.tags ?? "").split(" ").includes(s.tag)) return false;
  const requested = (d.requested ?? "").slice(0, 10);
  if (s.from && (!requested || requested < s.from)) return false;
  if (s.to && (!requested || requested > s.to)) return false;
  return true;
}

export function initFilters(form: HTMLFormElement): void {
  const table = document.getElementById(form.dataset.filters ?? "") as HTMLTableElement | null;
  const count = document.querySelector<HTMLElement>(`[data-count="${form.dataset.filters}"]`);
  const body = table?.tBodies[0];
  if (!table || !body) return;
  // What a row is, for the count: "change", "risk" ("1 of 1 change",
  // "3 of 10 changes").
  const noun = form.dataset.noun ?? "change";

  // The count the page was written with: one page of a list of many says
  // which rows of how many it shows, which counting this page's rows
  // would lose.
  const written = count?.textContent ?? "";
  const apply = (state: State): void => {
    if (count && !fields.some((f) => state[f])) {
      for (const row of Array.from(body.rows)) row.hidden = false;
      count.textContent = written;
      return;
    }
    let shown = 0;
    for (const row of Array.from(body.rows)) {
      const visible = matches(row, state);
      row.hidden = !visible;
      if (visible) shown++;
    }
    if (count) count.textContent = `${shown} of ${body.rows.length} ${body.rows.length === 1 ? noun : noun + "s"}`;
  };
  const fromForm = (): State => {
    const state: State = {};
    for (const f of fields) {
      const el = form.elements.namedItem(f) as HTMLInputElement | HTMLSelectElement | null;
      if (el && el.value) state[f] = el.value;
    }
    return state;
  };
  const toForm = (state: State): void => {
    for (const f of fields) {
      const el = form.elements.namedItem(f) as HTMLInputElement | HTMLSelectElement | null;
      if (el) el.value = state[f] ?? "";
    }
  };
  const markDates = (state: State): void => {
    for (const f of dateFields) {
      const el = form.elements.namedItem(f) as HTMLInputElement | null;
      const v = state[f];
      if (!el) continue;
      if (v !== undefined && !isoDate(v)) el.setAttribute("aria-invalid", "true");
      else el.removeAttribute("aria-invalid");
    }
  };

  // A parameter the form has no field for (?from= on the risk register)
  // filters nothing: rows without its value would all be hidden.
  const initial = readURL();
  for (const f of fields) {
    if (!form.elements.namedItem(f)) delete initial[f];
  }
  toForm(initial);
  markDates(initial);
  apply(usable(initial));
  form.addEventListener("input", () => {
    const state = fromForm();
    markDates(state);
    writeURL(usable(state));
    apply(usable(state));
  });
  form.addEventListener("reset", () => {
    // The form resets its fields after this event: apply the empty state.
    window.setTimeout(() => {
      markDates({});
      writeURL({});
      apply({});
    });
  });
  form.addEventListener("submit", (e) => e.preventDefault());
}
