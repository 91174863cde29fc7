// The search engine: reads the sharded index that `changebook build`
// writes under search/ (see generator/search/index.go for the formats) and
// answers queries. Only the shards a query needs are fetched, once each.
// The index numbers its records as the changes list's rows: the rows a
// result shows and the facets it is narrowed and counted by come from that
// list's data (listdata.ts), the one data layer of the site.
import { Files, ListData, Reader, fetchMeta, none, type Row } from "../listdata";

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
  /** The folder of the index's other files: a hash of them. */
  build: string;
  /** The build of the changes list's data whose rows the records are. */
  rows: string;
  ranking: Ranking;
  docs: number;
  vocab: string[];
  stop: string[];
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

/** The facets a query can be narrowed by: one value each, "" for any
 * (filters of the changes list's data). */
export type Filters = Partial<Record<FacetName, string>>;
export const facetNames = ["status", "type", "system", "level", "year"] as const;
export type FacetName = (typeof facetNames)[number];

export { none };

/** The record of row as a result list shows it. */
function docOf(n: number, row: Row): Doc {
  const [id, slug, title, type, status, systems, level, requested] = row as [
    string, string, string, string, string, string[], string, string,
  ];
  return {
    n, id, title, type, status, level, systems,
    path: `changes/${slug || id}/`,
    year: requested.slice(0, 4),
  };
}

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
  private metaPromise?: Promise<{ meta: Meta; files: Files }>;

  /** base is the URL of the search/ folder, ending in a slash; changes is
   * the changes list's data, whose rows the index's records are. */
  constructor(
    readonly base: string,
    readonly changes: ListData,
  ) {}

  private built(): Promise<{ meta: Meta; files: Files }> {
    this.metaPromise ??= Promise.all([fetchMeta<Meta>(this.base, "search index"), this.changes.meta()]).then(([meta, rows]) => {
      if (meta.version !== 3) throw new Error(`search index version ${meta.version} is not supported`);
      // The records are the changes list's rows of one build: of another,
      // they would name other changes.
      if (meta.rows !== rows.build) throw new Error(`search index: built for the changes data ${meta.rows}, not ${rows.build}`);
      return { meta, files: new Files(`${this.base}${meta.build}/`, "search index") };
    });
    return this.metaPromise;
  }

  async meta(): Promise<Meta> {
    return (await this.built()).meta;
  }

  /** Each facet's values, in the order the search page shows them. */
  async facetValues(): Promise<Record<FacetName, string[]>> {
    const meta = await this.changes.meta();
    const out = {} as Record<FacetName, string[]>;
    for (const name of facetNames) {
      const values = (meta.facets.find((f) => f.name === name)?.values ?? []).map((v) => (v === "" ? none : v));
      // Highest level and newest year first, the unknown last.
      if (name === "level" || name === "year") values.reverse();
      if (values[0] === none) values.push(values.shift() ?? none);
      out[name] = values;
    }
    return out;
  }

  private async fetchOnce<T>(name: string, read: (r: Response) => Promise<T>): Promise<T> {
    return (await this.built()).files.once(name, read);
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

  /** The records numbered ns, in that order. */
  async docs(ns: number[]): Promise<Doc[]> {
    const rows = await this.changes.rows(ns);
    return ns.map((n, i) => docOf(n, rows[i]));
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

    let counts: Result["counts"];
    if (withCounts) {
      counts = (await this.changes.counts(Uint32Array.from(hits), { ...filters }, facetNames)) as Result["counts"];
    }
    const passing = await this.changes.filter({ ...filters });
    if (passing) {
      const keep = new Uint8Array(meta.docs);
      passing.forEach((d) => (keep[d] = 1));
      hits = hits.filter((d) => keep[d]);
    }
    // Best first; among equals the lower record number, which is the
    // changes list's order (highest id first).
    hits.sort((a, b) => total[b] - total[a] || a - b);
    return { hits, marks: [...new Set(marks)], counts };
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
        lists.push(r.list(n));
        bitmap.push(false);
      }
    }
    out.set(term, new Postings(lists, bitmap));
  }
  return out;
}
