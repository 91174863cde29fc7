// The client data layer: reads a list's data files, which `changebook
// build` writes under data/<list>/ (see generator/listdata/listdata.go for
// the formats), and answers filter + sort + page over all the list's rows.
// Only what a view uses is fetched, once each: the meta, the row sets of
// the facet values it filters on (or sorts by), the months of a date range
// and the display rows of the page shown, from the layout (the list's
// order, or a value's) that holds them in the fewest files. The lists' tables (lists.ts) and
// the search page and header box (search/) share it: the search index
// numbers its records as the changes list's rows.

export interface FacetMeta {
  name: string;
  values: string[];
  counts: number[];
  sort: boolean;
  /** Every row has exactly one value (a status, a level). */
  single: boolean;
  /** Each value's display rows are written again in its own layout:
   * v/<facet>/<value>/<k>.json, its rows k*layout to (k+1)*layout-1. */
  layout: boolean;
  /** A pair facet: the facets whose values it pairs (status, system),
   * its values their values' numbers ("2 5"). No URL names it: a view
   * filtered on both fetches the pair's rows instead of each value's. */
  of?: number[];
}

export interface DateMeta {
  name: string;
  months: string[];
  counts: number[];
}

export interface ListMeta {
  version: number;
  /** The folder of the list's other files: a hash of them. */
  build: string;
  rows: number;
  shard: number;
  /** Rows per shard of a value's layout (0: no facet has layouts). */
  layout: number;
  /** Rows per page, as the static pages. */
  page: number;
  /** The list has groups (a change's mitigations): g.bin. */
  groups: boolean;
  facets: FacetMeta[];
  dates: DateMeta[];
}

/** The value of an empty field (no risks, never requested), as the URL
 * names it. */
export const none = "none";
const urlValue = (v: string): string => (v === "" ? none : v);

/** A view's filters: facet name -> value (as the URL writes it), and from
 * and to (YYYY-MM-DD) for the list's first date. "" or absent is any. */
export type Filters = Record<string, string | undefined>;

/** A view's order: a sort key (a sortable facet, a date, or "row", the
 * list's own order) and a direction. */
export interface Order {
  key: string;
  dir: "asc" | "desc";
}

/** A display row, as the list's writer made it (site/listdata.go). */
export type Row = unknown[];

interface Month {
  rows: Uint32Array;
  days: Uint8Array;
}

// A position in a binary file (a row set, a month, a postings shard) and
// what reads from it. The position is a field, not a variable of the
// decoder that a nested reader function changes: with that shape the
// search's bitmap views were now and then taken one byte early (at the
// varint of their size), once the page had run other queries, as if the
// position were read before the call that moved it.
export class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}

  uvarint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const byte = this.b[this.pos++];
      v += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return v;
      shift += 7;
    }
  }

  byte(): number {
    return this.b[this.pos++];
  }

  // The next n bytes, as a view of the first keep of them.
  bytes(n: number, keep: number): Uint8Array {
    const start = this.pos;
    this.pos = start + n;
    return this.b.subarray(start, start + keep);
  }

  // n rows written as a list: the first, then the gaps.
  list(n: number): Uint32Array {
    const out = new Uint32Array(n);
    let prev = 0;
    for (let i = 0; i < n; i++) {
      prev += this.uvarint();
      out[i] = prev;
    }
    return out;
  }
}

/** decodeSet reads a row set (a list, a bitmap or runs) as sorted rows. */
export function decodeSet(b: Uint8Array, rows: number): Uint32Array {
  const r = new Reader(b);
  r.pos = 1;
  switch (b[0]) {
    case 0:
      return r.list(r.uvarint());
    case 1: {
      const out: number[] = [];
      for (let i = 1; i < b.length; i++) {
        let byte = b[i];
        while (byte) {
          const bit = 31 - Math.clz32(byte & -byte);
          const row = (i - 1) * 8 + bit;
          if (row < rows) out.push(row);
          byte &= byte - 1;
        }
      }
      return Uint32Array.from(out);
    }
    case 2: {
      const n = r.uvarint();
      const out: number[] = [];
      let end = 0;
      for (let i = 0; i < n; i++) {
        const start = end + r.uvarint();
        const length = r.uvarint();
        for (let row = start; row < start + length; row++) out.push(row);
        end = start + length;
      }
      return Uint32Array.from(out);
    }
  }
  throw new Error(`list data: row set of unknown kind ${b[0]}`);
}

/** Files fetches the files of a folder, each once: a second ask for a
 * file gets the first's promise; a failed fetch may be retried. */
export class Files {
  private readonly fetched = new Map<string, Promise<unknown>>();

  /** base is the folder's URL, ending in a slash; what names it in errors. */
  constructor(
    readonly base: string,
    readonly what: string,
  ) {}

  /** has tells whether name was fetched, or is being. */
  has(name: string): boolean {
    return this.fetched.has(name);
  }

  once<T>(name: string, read: (r: Response) => Promise<T>): Promise<T> {
    let p = this.fetched.get(name) as Promise<T> | undefined;
    if (!p) {
      p = fetch(this.base + name).then((r) => {
        if (!r.ok) throw new Error(`${this.what}: ${name}: HTTP ${r.status}`);
        return read(r);
      });
      p.catch(() => this.fetched.delete(name));
      this.fetched.set(name, p);
    }
    return p;
  }
}

/** fetchMeta fetches the meta.json of the folder at base, never from a
 * cache: it names the build whose files (under base + build + "/", each
 * immutable) the browser may cache. A page open across a redeploy then
 * fails to fetch the old build's files (404) rather than mixing the two. */
export async function fetchMeta<T>(base: string, what: string): Promise<T> {
  const r = await fetch(base + "meta.json", { cache: "no-store" });
  if (!r.ok) throw new Error(`${what}: meta.json: HTTP ${r.status}`);
  return r.json() as Promise<T>;
}

/** What fetching one more file costs on top of its rows, counted in
 * rows: as many as one of the list's own shards holds (about 2 KB), for
 * a request's round trip and its work in the browser. A page of 100 rows
 * scattered over the list costs 100 requests from the list's own shards
 * and a few from a value's layout, the bytes about the same; a layout
 * that would fetch many more bytes for fewer requests is not taken (a
 * filtered view stays under 300 KB). */
function requestRows(meta: ListMeta): number {
  return meta.shard;
}

// A file and a row's place in it.
interface Place {
  file: string;
  at: number;
}

// binarySearch returns the index of n in sorted, -1 when it is absent.
function binarySearch(sorted: Uint32Array, n: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < n) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === n ? lo : -1;
}

// includes tells whether sorted holds every row of rows (both ascending).
function includes(sorted: Uint32Array, rows: Uint32Array): boolean {
  let i = 0;
  for (let j = 0; j < rows.length; j++) {
    while (i < sorted.length && sorted[i] < rows[j]) i++;
    if (i === sorted.length || sorted[i] !== rows[j]) return false;
  }
  return true;
}

export class ListData {
  private metaPromise?: Promise<{ meta: ListMeta; files: Files }>;
  // The row sets of facet values fetched, as facet -> value -> rows: a
  // sort knows from them which of its values holds a view's rows, and the
  // rows of a page can come from the layout of any of them.
  private readonly fetchedSets = new Map<number, Map<number, Uint32Array>>();

  /** base is the URL of the list's folder (".../data/changes/"). */
  constructor(readonly base: string) {}

  private built(): Promise<{ meta: ListMeta; files: Files }> {
    this.metaPromise ??= fetchMeta<ListMeta>(this.base, "list data").then((meta) => {
      if (meta.version !== 3) throw new Error(`list data version ${meta.version} is not supported`);
      return { meta, files: new Files(`${this.base}${meta.build}/`, "list data") };
    });
    return this.metaPromise;
  }

  async meta(): Promise<ListMeta> {
    return (await this.built()).meta;
  }

  private async fetchOnce<T>(name: string, read: (r: Response) => Promise<T>): Promise<T> {
    return (await this.built()).files.once(name, read);
  }

  private bytes(name: string): Promise<Uint8Array> {
    return this.fetchOnce(name, async (r) => new Uint8Array(await r.arrayBuffer()));
  }

  /** The rows whose facet has value i (its number in the meta). */
  async valueRows(facet: number, i: number): Promise<Uint32Array> {
    const meta = await this.meta();
    return this.fetchOnce(`f/${facet}/${i}.bin`, async (r) => {
      const rows = decodeSet(new Uint8Array(await r.arrayBuffer()), meta.rows);
      let values = this.fetchedSets.get(facet);
      if (!values) this.fetchedSets.set(facet, (values = new Map()));
      values.set(i, rows);
      return rows;
    });
  }

  private async month(date: number, i: number): Promise<Month> {
    const b = await this.bytes(`t/${date}/${i}.bin`);
    const r = new Reader(b);
    const n = r.uvarint();
    const rows = r.list(n);
    return { rows, days: b.subarray(r.pos, r.pos + n) };
  }

  /** The display rows numbered ns, in that order, from the layout that
   * holds them at the least cost: the list's own shards, or the layout of
   * a value whose rows (fetched for a filter or a sort) hold them all. */
  async rows(ns: ArrayLike<number>): Promise<Row[]> {
    const { meta, files } = await this.built();
    const list = Array.from(ns);
    // The rows fetched and requests made for places: the files not yet
    // fetched, each counted as full.
    const cost = (places: Place[], rowsPerFile: number): number => {
      const fresh = new Set(places.map((p) => p.file).filter((f) => !files.has(f)));
      return fresh.size * (rowsPerFile + requestRows(meta));
    };
    let best = list.map((n) => ({ file: `r/${Math.floor(n / meta.shard)}.json`, at: n % meta.shard }));
    let least = cost(best, meta.shard);
    for (const [facet, values] of this.fetchedSets) {
      if (!meta.facets[facet].layout || meta.layout === 0) continue;
      for (const [value, set] of values) {
        const places: Place[] = [];
        for (const n of list) {
          const i = binarySearch(set, n);
          if (i < 0) break;
          places.push({ file: `v/${facet}/${value}/${Math.floor(i / meta.layout)}.json`, at: i % meta.layout });
        }
        if (places.length < list.length) continue;
        const c = cost(places, meta.layout);
        if (c < least) [best, least] = [places, c];
      }
    }
    const shards = await Promise.all(best.map((p) => files.once(p.file, (r) => r.json() as Promise<Row[]>)));
    return best.map((p, i) => shards[i][p.at]);
  }

  /** The filters of f this list knows: a facet it has, or from/to when it
   * has a date. Other parameters filter nothing (the risk register has no
   * request dates). */
  async applicable(f: Filters): Promise<Filters> {
    const meta = await this.meta();
    const out: Filters = {};
    for (const [k, v] of Object.entries(f)) {
      if (!v) continue;
      if (meta.facets.some((x) => x.name === k && !x.of) || ((k === "from" || k === "to") && meta.dates.length > 0)) out[k] = v;
    }
    return out;
  }

  // The rows of one filter, sorted; skip names a facet left out (for the
  // counts of the search page's facets, each counted with the others).
  private async filterRows(meta: ListMeta, name: string, value: string): Promise<Uint32Array> {
    const fi = meta.facets.findIndex((x) => x.name === name);
    if (fi < 0) return new Uint32Array(0);
    const vi = meta.facets[fi].values.findIndex((v) => urlValue(v) === value);
    if (vi < 0) return new Uint32Array(0);
    return this.valueRows(fi, vi);
  }

  // The rows whose first date lies in [from, to] (either may be "").
  private async dateRows(meta: ListMeta, from: string, to: string): Promise<Uint32Array> {
    const d = meta.dates[0];
    const fromMonth = from.slice(0, 7);
    const toMonth = to.slice(0, 7);
    const parts = await Promise.all(
      d.months.map(async (m, i) => {
        if (m === "" || (from && m < fromMonth) || (to && m > toMonth)) return [];
        const month = await this.month(0, i);
        const out: number[] = [];
        for (let j = 0; j < month.rows.length; j++) {
          const day = `${m}-${String(month.days[j]).padStart(2, "0")}`;
          if ((!from || day >= from) && (!to || day <= to)) out.push(month.rows[j]);
        }
        return out;
      }),
    );
    const all = Uint32Array.from(parts.flat());
    return all.sort();
  }

  /** The rows that pass every filter, ascending; null when no filter
   * applies (every row). skip leaves one facet's filter out. */
  async filter(f: Filters, skip?: string): Promise<Uint32Array | null> {
    const meta = await this.meta();
    const sets: Promise<Uint32Array>[] = [];
    const answered = new Set<string>();
    meta.facets.forEach((pair, pi) => {
      const parts = pair.of?.map((i) => meta.facets[i]) ?? [];
      if (parts.length === 0 || parts.some((p) => !f[p.name] || p.name === skip || answered.has(p.name))) return;
      const numbers = parts.map((p) => p.values.findIndex((v) => urlValue(v) === f[p.name]));
      const vi = numbers.includes(-1) ? -1 : pair.values.indexOf(numbers.join(" "));
      sets.push(vi < 0 ? Promise.resolve(new Uint32Array(0)) : this.valueRows(pi, vi));
      for (const p of parts) answered.add(p.name);
    });
    for (const [name, value] of Object.entries(f)) {
      if (!value || name === skip || name === "from" || name === "to" || answered.has(name)) continue;
      sets.push(this.filterRows(meta, name, value));
    }
    if ((f.from || f.to) && meta.dates.length > 0) sets.push(this.dateRows(meta, f.from ?? "", f.to ?? ""));
    if (sets.length === 0) return null;
    const loaded = await Promise.all(sets);
    if (loaded.length === 1) return loaded[0];
    // Count each row's sets: the rows in all of them pass.
    const hits = new Uint8Array(meta.rows);
    for (const s of loaded) for (let i = 0; i < s.length; i++) hits[s[i]]++;
    const out: number[] = [];
    for (let r = 0; r < meta.rows; r++) if (hits[r] === loaded.length) out.push(r);
    return Uint32Array.from(out);
  }

  /** The sort keys of the list: its sortable facets and its dates. */
  async sortKeys(): Promise<string[]> {
    const meta = await this.meta();
    return ["row", ...meta.facets.filter((f) => f.sort).map((f) => f.name), ...meta.dates.map((d) => d.name)];
  }

  /** Rows from to to (exclusive) of the view: the filtered rows (all
   * when rows is null) in the order's order, ties in the list's order.
   * "row" ascending is the list's order reversed (lists show newest or
   * highest first), descending the list's own order. A sort by a facet
   * walks its values in order (by a date, its months), each value's rows
   * fetched only when the rows before them do not fill the page: page 1
   * of the list by status fetches the first status's rows, not all. */
  async slice(rows: Uint32Array | null, order: Order | null, from: number, to: number): Promise<Uint32Array> {
    const meta = await this.meta();
    if (!order || order.key === "row") {
      let all = rows;
      if (!all) {
        all = new Uint32Array(meta.rows);
        for (let r = 0; r < meta.rows; r++) all[r] = r;
      }
      if (order?.dir === "asc") all = await this.reversed(meta, all);
      return all.slice(from, to);
    }
    // A sort by a facet of one value a row, of rows that all have one
    // value (the view filters on it: ?status=documented&sort=status),
    // is the list's order: the other values' rows are not fetched.
    const fi = meta.facets.findIndex((f) => f.name === order.key && f.sort);
    if (rows && fi >= 0 && meta.facets[fi].single) {
      // A pair's rows have one value of each of its facets too.
      const holders = meta.facets.flatMap((x, i) => (i === fi || x.of?.includes(fi) ? [i] : []));
      for (const h of holders) {
        for (const set of this.fetchedSets.get(h)?.values() ?? []) {
          if (includes(set, rows)) return rows.slice(from, to);
        }
      }
    }
    let keep: Uint8Array | null = null;
    if (rows) {
      keep = new Uint8Array(meta.rows);
      for (let i = 0; i < rows.length; i++) keep[rows[i]] = 1;
    }
    const out: number[] = [];
    for (const group of this.groups(meta, order)) {
      if (out.length >= to) break;
      const g = await group();
      for (let i = 0; i < g.length; i++) if (!keep || keep[g[i]]) out.push(g[i]);
    }
    return Uint32Array.from(out.slice(from, to));
  }

  // rows (ascending) in the list's order reversed: a list with groups
  // (a change's mitigations) reverses the groups, each keeping its own
  // order (CHG-0001 M1, M2, not M2, M1).
  private async reversed(meta: ListMeta, rows: Uint32Array): Promise<Uint32Array> {
    if (!meta.groups) return rows.slice().reverse();
    const starts = await this.fetchOnce("g.bin", async (r) => decodeSet(new Uint8Array(await r.arrayBuffer()), meta.rows));
    const group = new Uint32Array(meta.rows); // row -> its group's number
    for (let g = 0, r = 0; r < meta.rows; r++) {
      while (g + 1 < starts.length && starts[g + 1] <= r) g++;
      group[r] = g;
    }
    const out = Uint32Array.from(rows);
    // Stable: rows of one group stay in the list's order.
    return out.sort((a, b) => group[b] - group[a] || a - b);
  }

  // The rows of order's key, value by value (month by month) in order's
  // direction, each value's rows in the list's order (a month's by day,
  // then the list's order); the rows without a date last either way.
  private groups(meta: ListMeta, order: Order): (() => Promise<ArrayLike<number>>)[] {
    const desc = order.dir === "desc";
    const fi = meta.facets.findIndex((f) => f.name === order.key && f.sort);
    if (fi >= 0) {
      const values = meta.facets[fi].values.map((_, i) => i);
      if (desc) values.reverse();
      return values.map((i) => () => this.valueRows(fi, i));
    }
    const di = meta.dates.findIndex((d) => d.name === order.key);
    if (di < 0) return [];
    const months = meta.dates[di].months.map((m, i) => ({ m, i }));
    const dated = months.filter((x) => x.m !== "");
    if (desc) dated.reverse();
    const byDay = (i: number) => async (): Promise<ArrayLike<number>> => {
      const month = await this.month(di, i);
      const idx = Array.from(month.rows, (_, j) => j);
      const day = (j: number): number => (desc ? -month.days[j] : month.days[j]);
      idx.sort((a, b) => day(a) - day(b) || month.rows[a] - month.rows[b]);
      return idx.map((j) => month.rows[j]);
    };
    const undated = months.filter((x) => x.m === "").map((x) => async () => (await this.month(di, x.i)).rows);
    return [...dated.map((x) => byDay(x.i)), ...undated];
  }

  /** For each facet of names, the number of rows of within (null: all)
   * having each value, each facet counted with the other filters of f
   * applied but not its own. */
  async counts(within: Uint32Array | null, f: Filters, names: readonly string[]): Promise<Record<string, Map<string, number>>> {
    const meta = await this.meta();
    const inWithin = new Uint8Array(meta.rows);
    if (within) within.forEach((r) => (inWithin[r] = 1));
    else inWithin.fill(1);
    const out: Record<string, Map<string, number>> = {};
    await Promise.all(
      names.map(async (name) => {
        const fi = meta.facets.findIndex((x) => x.name === name);
        const counts = new Map<string, number>();
        out[name] = counts;
        if (fi < 0) return;
        const others = await this.filter(f, name);
        const keep = inWithin.slice();
        if (others) {
          const mark = new Uint8Array(meta.rows);
          others.forEach((r) => (mark[r] = 1));
          for (let r = 0; r < meta.rows; r++) keep[r] &= mark[r];
        }
        const facet = meta.facets[fi];
        // A facet of one value a row (a status, a level): its commonest
        // value counts what the others leave, and is not fetched.
        const single = facet.single;
        const commonest = single ? facet.counts.indexOf(Math.max(...facet.counts)) : -1;
        const sets = await Promise.all(facet.values.map((_, i) => (i === commonest ? null : this.valueRows(fi, i))));
        let rest = 0;
        if (single) for (let r = 0; r < meta.rows; r++) rest += keep[r];
        sets.forEach((s, i) => {
          if (!s) return;
          let n = 0;
          for (let j = 0; j < s.length; j++) n += keep[s[j]];
          counts.set(urlValue(facet.values[i]), n);
          rest -= n;
        });
        if (commonest >= 0) counts.set(urlValue(facet.values[commonest]), rest);
      }),
    );
    return out;
  }
}
