// Filters of the changes table. The form's state is mirrored in the URL
// (?status=documented&system=api), so a filtered list can be shared and
// the back button works.

const fields = ["status", "type", "system", "level", "tag", "from", "to"] as const;
type Field = (typeof fields)[number];
type State = Partial<Record<Field, string>>;

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

  const apply = (state: State): void => {
    let shown = 0;
    for (const row of Array.from(body.rows)) {
      const visible = matches(row, state);
      row.hidden = !visible;
      if (visible) shown++;
    }
    if (count) count.textContent = `${shown} of ${body.rows.length} changes`;
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

  const initial = readURL();
  toForm(initial);
  apply(initial);
  form.addEventListener("input", () => {
    const state = fromForm();
    writeURL(state);
    apply(state);
  });
  form.addEventListener("reset", () => {
    // The form resets its fields after this event: apply the empty state.
    window.setTimeout(() => {
      writeURL({});
      apply({});
    });
  });
  form.addEventListener("submit", (e) => e.preventDefault());
}
