// The search engine: reads the sharded index that `changebook build`
// writes under search/ (see generator/search/index.go for the formats) and
// answers queries. Only the shards a query needs are fetched, once each.

/** How a match scores: see Ranking in generator/search/index.go. */
export interface Ranking {
  class: number[];
  exact: number;
  stem: number;
  prefix: number;
  typo: number;
}

export interface Meta {
  version: number;
  ranking: Ranking;
  docs: number;
  doc_group: number;
  vocab: string[];
  stop: string[];
  statuses: string[];
  types: string[];
  levels: string[];
  years: string[];
  systems: string[];
}

interface Term {
  term: string;
  df: number;
  shard: number;
  surfaces: string[];
}

/** A record as a result list shows it. */
export interface Doc {
  n: number;
  id: string;
  title: string;
  path: string;
  status: string;
  type: string;
  level: string;
  year: string;
  systems: string[];
}

/** The facets a query can be narrowed by: one value each, "" for any. */
export interface Filters {
  status?: string;
  type?: string;
  system?: string;
  level?: string;
  year?: string;
}
export const facetNames = ["status", "type", "system", "level", "year"] as const;
export type FacetName = (typeof facetNames)[number];

/** The facet value of an empty field (no risks, never requested), as the
 * URL and the search page name it. */
export const none = "none";
const facetValue = (v: string): string => (v === "" ? none : v);

export interface Result {
  /** Matching records, best first, as record numbers. */
  hits: number[];
  /** The words of the records that matched, for marking snippets. */
  marks: string[];
  /** Facet counts over the hits, each facet counted with the others applied. */
  counts?: Record<FacetName, Map<string, number>>;
}

// What a match is worth comes with the index (meta.json's ranking): the
// class of the occurrence (id or title, other field, body) times how well
// the typed word matched the term.

// The words of a text as the index splits them: runs of letters and digits.
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length <= 40);
}

// Whether a and b are one edit apart: a letter changed, added, removed,
// or two neighbours swapped.
export function oneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // changed
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swapped
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

export class SearchIndex {
  private readonly base: string;
  private metaPromise?: Promise<Meta>;
  private readonly files = new Map<string, Promise<unknown>>();

  /** base is the URL of the search/ folder, ending in a slash. */
  constructor(base: string) {
    this.base = base;
  }

  meta(): Promise<Meta> {
    this.metaPromise ??= this.fetchJSON<Meta>("meta.json").then((m) => {
      if (m.version !== 1) throw new Error(`search index version ${m.version} is not supported`);
      return m;
    });
    return this.metaPromise;
  }

  private fetchOnce<T>(name: string, read: (r: Response) => Promise<T>): Promise<T> {
    let p = this.files.get(name) as Promise<T> | undefined;
    if (!p) {
      p = fetch(this.base + name).then((r) => {
        if (!r.ok) throw new Error(`search index: ${name}: HTTP ${r.status}`);
        return read(r);
      });
      p.catch(() => this.files.delete(name)); // a failed fetch may be retried
      this.files.set(name, p);
    }
    return p;
  }

  private fetchJSON<T>(name: string): Promise<T> {
    return this.fetchOnce(name, (r) => r.json() as Promise<T>);
  }

  private vocabShard(i: number): Promise<Term[]> {
    return this.fetchOnce(`v/${i}.txt`, async (r) => {
      const out: Term[] = [];
      for (const line of (await r.text()).split("\n")) {
        if (!line) continue;
        const [term, df, shard, surfaces] = line.split("\t");
        out.push({ term, df: +df, shard: +shard, surfaces: surfaces ? surfaces.split(",") : [] });
      }
      return out;
    });
  }

  private postingsShard(i: number, docs: number): Promise<Map<string, Postings>> {
    return this.fetchOnce(`p/${i}.bin`, async (r) => decodePostings(new Uint8Array(await r.arrayBuffer()), docs));
  }

  private docGroup(g: number, meta: Meta): Promise<Doc[]> {
    return this.fetchOnce(`d/${g}.json`, async (r) => {
      const rows = (await r.json()) as [string, string, string, number, number, number, number, number[]][];
      return rows.map((row, i) => ({
        n: g * meta.doc_group + i,
        id: row[0],
        title: row[1],
        path: row[2],
        status: meta.statuses[row[3]],
        type: meta.types[row[4]],
        level: meta.levels[row[5]],
        year: meta.years[row[6]],
        systems: row[7].map((s) => meta.systems[s]),
      }));
    });
  }

  /** The records numbered ns, in that order. */
  async docs(ns: number[]): Promise<Doc[]> {
    const meta = await this.meta();
    const groups = await Promise.all(ns.map((n) => this.docGroup(Math.floor(n / meta.doc_group), meta)));
    return ns.map((n, i) => groups[i][n % meta.doc_group]);
  }

  // The vocabulary shards a word's candidates can be in: those holding
  // terms that begin with its first k letters, k the smallest from 2 that
  // keeps the shards to three, so that a word beginning like half the
  // vocabulary ("co...") does not fetch half of it. (Terms and the words
  // they come from share their first letters: stemming changes endings.)
  private vocabRange(meta: Meta, word: string): { key: string; shards: number[] } {
    const first = meta.vocab;
    const overlapping = (key: string): number[] => {
      const hi = key + "\uffff";
      const out: number[] = [];
      for (let i = 0; i < first.length; i++) {
        const next = i + 1 < first.length ? first[i + 1] : null;
        if (first[i] < hi && (next === null || next > key)) out.push(i);
      }
      return out;
    };
    let k = Math.min(2, word.length);
    let shards = overlapping(word.slice(0, k));
    while (shards.length > 3 && k < word.length) {
      k++;
      shards = overlapping(word.slice(0, k));
    }
    return { key: word.slice(0, k), shards: shards.slice(0, 4) };
  }

  // The terms a typed word stands for, each with how well it matches.
  private async candidates(meta: Meta, word: string, prefix: boolean): Promise<Map<Term, number>> {
    const { key, shards } = this.vocabRange(meta, word);
    const terms = (await Promise.all(shards.map((i) => this.vocabShard(i)))).flat();
    const rank = meta.ranking;
    const exact = new Map<Term, number>();
    const begins: Term[] = [];
    const typos: Term[] = [];
    for (const t of terms) {
      if (!t.term.startsWith(key)) continue;
      if (t.term === word || t.surfaces.includes(word)) exact.set(t, rank.exact);
      else if (t.term.length >= 3 && word.startsWith(t.term) && word.length - t.term.length <= 4) exact.set(t, rank.stem);
      else if (prefix && (t.term.startsWith(word) || t.surfaces.some((s) => s.startsWith(word)))) begins.push(t);
      else if (word.length >= 5 && (oneEdit(word, t.term) || t.surfaces.some((s) => oneEdit(word, s)))) typos.push(t);
    }
    const out = new Map(exact);
    // Many words may begin with what is typed so far: keep the commonest.
    begins.sort((a, b) => b.df - a.df);
    for (const t of begins.slice(0, 12)) out.set(t, rank.prefix);
    if (out.size === 0) {
      typos.sort((a, b) => b.df - a.df);
      for (const t of typos.slice(0, 8)) out.set(t, rank.typo);
    }
    return out;
  }

  /** Answers q: every word must match (a stop word is ignored). */
  async search(q: string, filters: Filters = {}, withCounts = false): Promise<Result> {
    const meta = await this.meta();
    const stop = new Set(meta.stop);
    const typing = !/\s$/.test(q); // the last word is still being typed
    const chunks = q.toLowerCase().split(/\s+/).filter(Boolean);
    const perWord: Map<Term, number>[] = [];
    for (let i = 0; i < chunks.length; i++) {
      const prefix = typing && i === chunks.length - 1;
      const parts = words(chunks[i]);
      // "CHG-0042" or "webhook-dispatcher": one term when the index has it
      // whole (ids and system names), else its words.
      if (parts.length > 1) {
        const whole = await this.candidates(meta, chunks[i], prefix);
        if (whole.size > 0) {
          perWord.push(whole);
          continue;
        }
      }
      const kept = parts.filter((w) => !stop.has(w));
      for (const w of kept.length ? kept : chunks.length === 1 ? parts : []) {
        perWord.push(await this.candidates(meta, w, prefix && w === parts[parts.length - 1]));
      }
    }
    if (perWord.length === 0) return { hits: [], marks: [] };

    const shards = new Set<number>();
    for (const c of perWord) for (const t of c.keys()) shards.add(t.shard);
    const loaded = new Map<number, Map<string, Postings>>();
    await Promise.all([...shards].map(async (s) => loaded.set(s, await this.postingsShard(s, meta.docs))));

    const total = new Float64Array(meta.docs);
    const matched = new Uint8Array(meta.docs);
    const marks: string[] = [];
    for (let wi = 0; wi < perWord.length; wi++) {
      const best = new Float64Array(meta.docs);
      for (const [t, quality] of perWord[wi]) {
        const p = loaded.get(t.shard)?.get(t.term);
        if (!p) continue;
        marks.push(t.term, ...t.surfaces);
        for (let c = 0; c < 3; c++) {
          const score = meta.ranking.class[c] * quality;
          p.each(c, (d) => {
            if (score > best[d]) best[d] = score;
          });
        }
      }
      for (let d = 0; d < meta.docs; d++) {
        if (best[d] > 0 && matched[d] === wi) {
          total[d] += best[d];
          matched[d]++;
        }
      }
    }
    const need = perWord.length;
    let hits: number[] = [];
    for (let d = 0; d < meta.docs; d++) if (matched[d] === need) hits.push(d);

    const facets = filters.status || filters.type || filters.level || filters.year || filters.system || withCounts
      ? await this.facets(meta)
      : null;
    let counts: Result["counts"];
    if (facets) {
      if (withCounts) counts = facets.count(hits, filters, meta);
      hits = hits.filter((d) => facets.accepts(d, filters, meta));
    }
    // Best first; among equals the lower record number, which is the newer
    // year (records are numbered newest year first).
    hits.sort((a, b) => total[b] - total[a] || a - b);
    return { hits, marks: [...new Set(marks)], counts };
  }

  private facetsPromise?: Promise<Facets>;
  private facets(meta: Meta): Promise<Facets> {
    this.facetsPromise ??= this.fetchJSON<{ ranges: number[][]; systems: string[] }>("facets.json").then(
      (f) => new Facets(f.ranges, f.systems, meta),
    );
    return this.facetsPromise;
  }
}

// Postings of one term: per class, a sorted list or a bitmap of records.
class Postings {
  constructor(readonly lists: (Uint32Array | Uint8Array | null)[], readonly bitmap: boolean[]) {}

  each(c: number, fn: (d: number) => void): void {
    const l = this.lists[c];
    if (!l) return;
    if (!this.bitmap[c]) {
      for (let i = 0; i < l.length; i++) fn(l[i]);
      return;
    }
    for (let i = 0; i < l.length; i++) {
      let byte = l[i];
      while (byte) {
        const bit = 31 - Math.clz32(byte & -byte);
        fn(i * 8 + bit);
        byte &= byte - 1;
      }
    }
  }
}

// A position in a postings shard and what reads from it. The position is a
// field, not a variable of decodePostings that a nested reader function
// changes: with that shape the bitmap views were now and then taken one
// byte early (at the varint of their size), once the page had run other
// queries, as if the position were read before the call that moved it.
class Reader {
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

  // The next n bytes, as a view.
  bytes(n: number, keep: number): Uint8Array {
    const start = this.pos;
    this.pos = start + n;
    return this.b.subarray(start, start + keep);
  }
}

function decodePostings(b: Uint8Array, docs: number): Map<string, Postings> {
  const out = new Map<string, Postings>();
  if (String.fromCharCode(b[0], b[1], b[2], b[3]) !== "CBP1") throw new Error("search index: bad postings shard");
  const r = new Reader(b);
  r.pos = 4;
  const decoder = new TextDecoder();
  while (r.pos < b.length) {
    const len = r.uvarint();
    const term = decoder.decode(r.bytes(len, len));
    const lists: (Uint32Array | Uint8Array | null)[] = [];
    const bitmap: boolean[] = [];
    for (let c = 0; c < 3; c++) {
      const n = r.uvarint();
      if (n === 0) {
        lists.push(null);
        bitmap.push(false);
        continue;
      }
      const kind = r.byte();
      if (kind === 1) {
        const size = r.uvarint();
        lists.push(r.bytes(size, Math.min(size, Math.ceil(docs / 8))));
        bitmap.push(true);
      } else {
        const list = new Uint32Array(n);
        let prev = 0;
        for (let i = 0; i < n; i++) {
          prev += r.uvarint();
          list[i] = prev;
        }
        lists.push(list);
        bitmap.push(false);
      }
    }
    out.set(term, new Postings(lists, bitmap));
  }
  return out;
}

// Facet values of every record: the single-valued ones from the runs of
// facets.json (records are numbered in facet order), systems from lists.
class Facets {
  private readonly starts: Uint32Array;
  private readonly values: number[][];
  private readonly systemDocs: Uint32Array[];

  constructor(ranges: number[][], systems: string[], meta: Meta) {
    this.starts = Uint32Array.from(ranges.map((r) => r[0]));
    this.values = ranges.map((r) => r.slice(1));
    this.systemDocs = systems.map((s) => {
      const bytes = Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
      const out: number[] = [];
      let pos = 0;
      let prev = 0;
      while (pos < bytes.length) {
        let v = 0;
        let shift = 0;
        for (;;) {
          const byte = bytes[pos++];
          v += (byte & 0x7f) * 2 ** shift;
          if (byte < 0x80) break;
          shift += 7;
        }
        prev += v;
        out.push(prev);
      }
      return Uint32Array.from(out);
    });
    void meta;
  }

  // [year, status, type, level] of record d.
  private of(d: number): number[] {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= d) lo = mid;
      else hi = mid - 1;
    }
    return this.values[lo];
  }

  private hasSystem(d: number, system: number): boolean {
    const list = this.systemDocs[system];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] < d) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length && list[lo] === d;
  }

  accepts(d: number, f: Filters, meta: Meta, skip?: FacetName): boolean {
    const [y, s, t, l] = this.of(d);
    if (f.year && skip !== "year" && facetValue(meta.years[y]) !== f.year) return false;
    if (f.status && skip !== "status" && meta.statuses[s] !== f.status) return false;
    if (f.type && skip !== "type" && meta.types[t] !== f.type) return false;
    if (f.level && skip !== "level" && facetValue(meta.levels[l]) !== f.level) return false;
    if (f.system && skip !== "system") {
      const i = meta.systems.indexOf(f.system);
      if (i < 0 || !this.hasSystem(d, i)) return false;
    }
    return true;
  }

  count(hits: number[], f: Filters, meta: Meta): Record<FacetName, Map<string, number>> {
    const counts = {} as Record<FacetName, Map<string, number>>;
    for (const name of facetNames) counts[name] = new Map();
    const add = (name: FacetName, value: string) => counts[name].set(value, (counts[name].get(value) ?? 0) + 1);
    const inSet = new Uint8Array(meta.docs);
    for (const d of hits) {
      const [y, s, t, l] = this.of(d);
      if (this.accepts(d, f, meta, "year")) add("year", facetValue(meta.years[y]));
      if (this.accepts(d, f, meta, "status")) add("status", meta.statuses[s]);
      if (this.accepts(d, f, meta, "type")) add("type", meta.types[t]);
      if (this.accepts(d, f, meta, "level")) add("level", facetValue(meta.levels[l]));
      if (this.accepts(d, f, meta, "system")) inSet[d] = 1;
    }
    this.systemDocs.forEach((list, i) => {
      let n = 0;
      for (let j = 0; j < list.length; j++) n += inSet[list[j]];
      if (n > 0) counts.system.set(meta.systems[i], n);
    });
    return counts;
  }
}
