// The lists' tables (table[data-list]: changes, risks, mitigations),
// filtered and sorted over ALL their rows, not the page's: the view is
// answered by the list's data files (listdata.ts) and drawn into the
// table's tbody, its count line (p[data-count]) and its pager
// (nav[data-pager], made when the page has none). The view lives in the
// URL (?status=approved&system=api&sort=requested&dir=desc&page=2), each
// change a history entry, so a view can be shared, reloaded and left with
// the back button. Without a filter, a sort or a page the static page is
// shown as it came: it is that view already. Rows are built with
// textContent: records are untrusted.
import { ListData, type Filters, type Order, type Row } from "./listdata";

/** What the count line says when the data cannot be fetched. */
const unloaded = "The list's data could not be loaded: this page is not filtered.";

// How a chip names a filter the form has no field for.
const filterLabels: Record<string, string> = {
  status: "Status",
  type: "Type",
  system: "System",
  level: "Level",
  tag: "Tag",
  likelihood: "Likelihood",
  impact: "Impact",
  year: "Year",
  from: "Requested from",
  to: "Requested to",
};

// The parameters that are not filters.
const viewParams = ["sort", "dir", "page"];

// The date fields of a filter form: text boxes that take yyyy-mm-dd, as
// the site writes dates (a date input would show the browser's locale).
const dateFields = ["from", "to"];

interface View {
  filters: Filters;
  order: Order | null;
  page: number;
}

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
function usable(f: Filters): Filters {
  const out: Filters = { ...f };
  for (const d of dateFields) {
    const v = out[d];
    if (v !== undefined && !isoDate(v)) delete out[d];
  }
  return out;
}

function readURL(): View {
  const params = new URLSearchParams(window.location.search);
  const filters: Filters = {};
  params.forEach((v, k) => {
    if (v && !viewParams.includes(k) && k !== "q") filters[k] = v;
  });
  const key = params.get("sort");
  const order: Order | null = key ? { key, dir: params.get("dir") === "desc" ? "desc" : "asc" } : null;
  return { filters, order, page: Math.max(1, Math.floor(Number(params.get("page")) || 1)) };
}

function search(v: View): string {
  const p = new URLSearchParams();
  for (const [k, val] of Object.entries(v.filters)) if (val) p.set(k, val);
  if (v.order) {
    p.set("sort", v.order.key);
    p.set("dir", v.order.dir);
  }
  if (v.page > 1) p.set("page", String(v.page));
  const s = p.toString();
  return s ? "?" + s : "";
}

const number = (n: number): string => n.toLocaleString("en-US");

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function badge(kind: string, value: string): HTMLElement {
  return el("span", `badge ${kind}-${value}`, value);
}

function level(value: string): HTMLElement {
  return value ? badge("level", value) : el("span", "muted", "–");
}

function cell(...content: (Node | string)[]): HTMLTableCellElement {
  const td = el("td");
  td.append(...content);
  return td;
}

function link(href: string, ...content: (Node | string)[]): HTMLAnchorElement {
  const a = el("a");
  a.href = href;
  a.append(...content);
  return a;
}

function time(date: string): (Node | string)[] {
  return date ? [el("time", undefined, date)] : [];
}

// joined puts <br> between the parts, as the templates do.
function joined(parts: (Node | string)[][]): (Node | string)[] {
  return parts.flatMap((p, i) => (i ? [el("br"), ...p] : p));
}

/** How one list's rows are drawn and which columns sort, by the column's
 * index: the cells as the list's template writes them. */
interface ListKind {
  noun: string;
  sorts: Record<number, string>;
  row(r: Row, root: string, columns: number): HTMLTableRowElement;
}

function changeHead(root: string, id: string, slug: string, anchor: string, sub: string, title: string): HTMLTableCellElement {
  return cell(link(`${root}changes/${slug || id}/#${anchor}`, el("span", "id", id), " " + sub), el("br"), el("span", "muted", title));
}

const kinds: Record<string, ListKind> = {
  changes: {
    noun: "change",
    // The id column is the list's own order, highest first.
    sorts: { 0: "row", 2: "type", 3: "status", 5: "level", 6: "requested", 7: "closed" },
    row(r, root, columns) {
      const [id, slug, title, type, status, systems, lvl, requested, closed] = r as [
        string, string, string, string, string, string[], string, string, string,
      ];
      const tr = el("tr");
      const first = cell(link(`${root}changes/${slug || id}/`, el("span", "id", id)));
      first.dataset.value = id;
      const sys = systems.flatMap((s, i) => (i ? [", ", el("span", "system", s)] : [el("span", "system", s)]));
      tr.append(first, cell(title), cell(badge("type", type)), cell(badge("status", status)), cell(...sys), cell(level(lvl)), cell(...time(requested)));
      if (columns > 7) tr.append(cell(...time(closed)));
      return tr;
    },
  },
  risks: {
    noun: "risk",
    sorts: { 0: "level", 2: "status", 4: "likelihood", 5: "impact" },
    row(r, root) {
      const [cid, slug, ctitle, id, description, lvl, status, likelihood, impact, mitigations] = r as [
        string, string, string, string, string, string, string, string, string, [string, string][],
      ];
      const tr = el("tr");
      const mits = mitigations.map(([mid, text]) => [link(`${root}changes/${slug || cid}/#mitigation-${mid}`, mid), ": " + text]);
      tr.append(
        cell(level(lvl)),
        changeHead(root, cid, slug, `risk-${id}`, id, ctitle),
        cell(badge("status", status)),
        cell(description),
        cell(likelihood),
        cell(impact),
        cell(...joined(mits)),
      );
      return tr;
    },
  },
  mitigations: {
    noun: "mitigation",
    sorts: { 0: "row" },
    row(r, root) {
      const [cid, slug, ctitle, id, description, risks] = r as [string, string, string, string, string, [string, string, string][]];
      const tr = el("tr");
      const covered = risks.map(([rid, lvl, text]) => [link(`${root}changes/${slug || cid}/#risk-${rid}`, rid), " ", level(lvl), " " + text]);
      tr.append(
        changeHead(root, cid, slug, `mitigation-${id}`, id, ctitle),
        cell(description),
        cell(...(covered.length ? joined(covered) : [el("span", "muted", "none")])),
      );
      return tr;
    },
  },
};

// The static page's content of an element, to put back when the view is
// the page's own again.
class Saved {
  private readonly nodes: Node[];
  constructor(readonly el: Element) {
    this.nodes = Array.from(el.childNodes);
  }
  restore(): void {
    this.el.replaceChildren(...this.nodes);
  }
}

export function initList(table: HTMLTableElement, data: ListData, root: string): void {
  const name = table.dataset.list ?? "";
  const kind = kinds[name];
  const body = table.tBodies[0];
  if (!kind || !body) return;
  const form = document.querySelector<HTMLFormElement>(`form[data-filters="${name}"]`);
  const count = document.querySelector<HTMLElement>(`[data-count="${name}"]`);
  const columns = table.tHead?.rows[0]?.cells.length ?? 0;
  const savedBody = new Saved(body);
  const savedCount = count ? new Saved(count) : null;
  const pagers = Array.from(document.querySelectorAll<HTMLElement>(`nav[data-pager="${name}"]`)).map((n) => new Saved(n));
  let madePager: HTMLElement | null = null;
  // A view is of all rows, whichever static page it began on
  // (changes/page/3/?status=approved): it is not "page 3 of 30", nor has
  // that page's neighbours, and its links lead to the list's first page.
  const staticTitle = document.title;
  const viewTitle = staticTitle.replace(/, page \d+ of \d+/, "");
  const relLinks = Array.from(document.querySelectorAll<HTMLLinkElement>('head link[rel="prev"], head link[rel="next"]'));
  const firstPage = window.location.pathname.replace(/page\/\d+\/(index\.html)?$/, "");
  const asView = (on: boolean): void => {
    document.title = on ? viewTitle : staticTitle;
    for (const l of relLinks) {
      if (on) l.remove();
      else document.head.append(l);
    }
  };
  let view = readURL();
  let generation = 0;

  // The sort buttons: the column headings whose order the data layer knows.
  const heads = Array.from(table.tHead?.rows[0]?.cells ?? []);
  const buttons = new Map<string, HTMLTableCellElement>();
  heads.forEach((th, i) => {
    const key = kind.sorts[i];
    if (!key) return;
    const button = el("button", "sort", th.textContent ?? "");
    button.type = "button";
    th.replaceChildren(button);
    buttons.set(key, th);
    button.addEventListener("click", () => {
      const dir = view.order?.key === key && view.order.dir === "asc" ? "desc" : "asc";
      go({ ...view, order: { key, dir }, page: 1 }, true);
    });
  });

  const formFields = (): HTMLInputElement[] =>
    form ? Array.from(form.elements).filter((e): e is HTMLInputElement => "name" in e && !!(e as HTMLInputElement).name) as HTMLInputElement[] : [];
  const toForm = (): void => {
    for (const e of formFields()) e.value = view.filters[e.name] ?? "";
    markDates();
  };
  const markDates = (): void => {
    for (const e of formFields()) {
      if (!dateFields.includes(e.name)) continue;
      if (e.value && !isoDate(e.value)) e.setAttribute("aria-invalid", "true");
      else e.removeAttribute("aria-invalid");
    }
  };
  const fromForm = (): Filters => {
    // The filters the form has no field for stay (?year=2025 from a
    // summary's link): the form changes only its own. Each shows as a
    // chip (below).
    const f: Filters = { ...view.filters };
    for (const e of formFields()) {
      if (e.value) f[e.name] = e.value;
      else delete f[e.name];
    }
    return f;
  };

  // The active filters the form has no field for (all of them where the
  // list has no form), each a button that removes it: a filter no one
  // can see, nor clear, would make the list lie.
  const chips = el("p", "active-filters");
  chips.dataset.activeFilters = name;
  chips.hidden = true;
  if (form) form.after(chips);
  else (count ?? table.closest(".table-scroll") ?? table).before(chips);
  const showChips = (active: Filters): void => {
    const fields = new Set(formFields().map((e) => e.name));
    const parts: (Node | string)[] = [];
    for (const [k, v] of Object.entries(active)) {
      if (!v || fields.has(k)) continue;
      const text = `${filterLabels[k] ?? k}: ${v}`;
      const b = el("button", "chip", text + " ");
      b.type = "button";
      b.setAttribute("aria-label", `Remove the filter ${text}`);
      b.append(el("span", undefined, "×"));
      b.lastElementChild?.setAttribute("aria-hidden", "true");
      b.addEventListener("click", () => {
        const filters: Filters = { ...view.filters };
        delete filters[k];
        go({ ...view, filters, page: 1 }, true);
      });
      parts.push(b, " ");
    }
    chips.replaceChildren(...(parts.length ? ["Also filtered by ", ...parts] : []));
    chips.hidden = parts.length === 0;
  };

  const pagerLinks = (nav: HTMLElement, page: number, pages: number): void => {
    const a = (p: number, text: string, rel?: string): HTMLElement => {
      if (p === page && !rel) {
        const span = el("span", undefined, text);
        span.setAttribute("aria-current", "page");
        return span;
      }
      const l = link(firstPage + search({ ...view, page: p }), text);
      if (rel) l.rel = rel;
      l.addEventListener("click", (e) => {
        e.preventDefault();
        go({ ...view, page: p }, true);
      });
      return l;
    };
    const parts: (Node | string)[] = [];
    if (page > 1) parts.push(a(page - 1, "Previous", "prev"), " ");
    let last = 0;
    for (let p = 1; p <= pages; p++) {
      if (p !== 1 && p !== pages && Math.abs(p - page) > 2) continue;
      if (last && p > last + 1) parts.push("… ");
      parts.push(a(p, String(p)), " ");
      last = p;
    }
    if (page < pages) parts.push(a(page + 1, "Next", "next"));
    nav.replaceChildren(...parts);
  };

  const showStatic = (): void => {
    savedBody.restore();
    savedCount?.restore();
    pagers.forEach((p) => p.restore());
    madePager?.remove();
    madePager = null;
    for (const th of heads) th.removeAttribute("aria-sort");
    asView(false);
    showChips({});
    table.removeAttribute("aria-busy");
  };

  const draw = async (): Promise<void> => {
    const mine = ++generation;
    const filters = await data.applicable(usable(view.filters));
    if (mine !== generation) return;
    const sorted = view.order && (await data.sortKeys()).includes(view.order.key) ? view.order : null;
    if (Object.keys(filters).length === 0 && !sorted && view.page <= 1) {
      showStatic();
      return;
    }
    const meta = await data.meta();
    const pageSize = meta.page; // as the static pages
    const filteredRows = await data.filter(filters);
    const total = filteredRows ? filteredRows.length : meta.rows;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(view.page, pages);
    if (page !== view.page && mine === generation) {
      // ?page=999 of 3 pages shows page 3: the URL says so.
      view = { ...view, page };
      window.history.replaceState(null, "", window.location.pathname + search(view) + window.location.hash);
    }
    const shown = await data.slice(filteredRows, sorted, (page - 1) * pageSize, page * pageSize);
    const display = await data.rows(shown);
    if (mine !== generation) return; // a newer view is under way
    body.replaceChildren(...display.map((r) => kind.row(r, root, columns)));
    if (display.length === 0) {
      const td = el("td", "muted", `No ${kind.noun}s match.`);
      td.colSpan = columns;
      const tr = el("tr");
      tr.append(td);
      body.append(tr);
    }
    const plural = (n: number): string => (n === 1 ? kind.noun : kind.noun + "s");
    const filtered = Object.keys(filters).length > 0;
    const range = `${number((page - 1) * pageSize + 1)}–${number((page - 1) * pageSize + shown.length)}`;
    let text: string;
    if (pages === 1) text = filtered ? `${number(total)} of ${number(meta.rows)} ${plural(meta.rows)}` : `${number(total)} ${plural(total)}`;
    else text = `${range} of ${number(total)} ${plural(total)}` + (filtered ? ` (${number(meta.rows)} in all)` : "");
    if (count) count.textContent = text;
    asView(true);
    showChips(filters);
    for (const th of heads) th.removeAttribute("aria-sort");
    if (sorted) buttons.get(sorted.key)?.setAttribute("aria-sort", sorted.dir === "asc" ? "ascending" : "descending");
    let navs = pagers.map((p) => p.el as HTMLElement);
    if (navs.length === 0) {
      if (!madePager) {
        madePager = el("nav", "pager");
        madePager.setAttribute("aria-label", `Pages of ${name}`);
        madePager.dataset.pager = name;
        (table.closest(".table-scroll") ?? table).after(madePager);
      }
      navs = [madePager];
    }
    for (const nav of navs) pagerLinks(nav, page, pages);
    table.removeAttribute("aria-busy");
  };

  // go shows v: a new history entry when push, else in place (typing a
  // date, or the first view).
  const go = (v: View, push: boolean): void => {
    view = v;
    const url = window.location.pathname + search(v) + window.location.hash;
    if (push) window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
    table.setAttribute("aria-busy", "true");
    const mine = generation + 1; // the draw's own, unless a newer began
    void draw().catch((e) => {
      // No data (file://, an HTTP error, a page open across a redeploy, a
      // format this script does not know): the static page's rows, and the
      // form as it is with them, not a filter they do not obey.
      console.error(e);
      if (mine !== generation) return;
      showStatic();
      for (const f of formFields()) f.value = "";
      markDates();
      if (count) count.textContent = unloaded;
    });
  };

  if (form) {
    toForm();
    form.addEventListener("input", (e) => {
      markDates();
      const typing = e.target instanceof HTMLInputElement && e.target.type === "text";
      go({ filters: fromForm(), order: view.order, page: 1 }, !typing);
    });
    form.addEventListener("reset", () => {
      // The form resets its fields after this event: show the empty state.
      window.setTimeout(() => {
        markDates();
        // Clear drops every filter, those the form has no field for too.
        go({ filters: {}, order: view.order, page: 1 }, true);
      });
    });
    form.addEventListener("submit", (e) => e.preventDefault());
  }
  window.addEventListener("popstate", () => {
    view = readURL();
    toForm();
    go(view, false);
  });
  if (Object.keys(view.filters).length > 0 || view.order || view.page > 1) go(view, false);
}
