// Snippets: a few lines of a record around the words a query matched, with
// those words marked. The text comes from the record's own page, fetched
// when its result is shown, so the index carries no copy of it. Everything
// is built as DOM text nodes: record text is never parsed as HTML into the
// live page.

const pages = new Map<string, Promise<string>>();

// The record's own text on its page: the elements marked data-snippet
// (its text fields, sign-off notes and body), not the page around them
// (stage names, signers, dates, commits, headings), whitespace folded. A
// theme whose record page marks nothing gets the page below its header.
function pageText(url: string): Promise<string> {
  let p = pages.get(url);
  if (!p) {
    p = fetch(url)
      .then((r) => (r.ok ? r.text() : ""))
      .then((html) => {
        const doc = new DOMParser().parseFromString(html, "text/html");
        let parts: Element[] = Array.from(doc.querySelectorAll("[data-snippet]"));
        if (parts.length === 0) {
          const main = doc.querySelector("article") ?? doc.querySelector("main");
          main?.querySelector(".record-header")?.remove();
          parts = main ? [main] : [];
        }
        return parts
          .map((part) => {
            // A heading's "#" link is the page's, not the record's.
            part.querySelectorAll(".anchor").forEach((e) => e.remove());
            // Blocks end with a space, or two steps' words run together.
            part.querySelectorAll("h1,h2,h3,h4,h5,h6,p,li,dt,dd,th,td,div,section").forEach((e) => e.append(" "));
            return part.textContent ?? "";
          })
          .join(" ")
          .replace(/\s+/g, " ")
          .trim();
      })
      .catch(() => "");
    pages.set(url, p);
  }
  return p;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// The words of text that begin with one of marks: "rotat" marks "rotate",
// "rotating" and "rotation".
function marker(marks: string[]): RegExp | null {
  const alternatives = marks.filter((m) => m.length > 1).map(escapeRegExp);
  if (alternatives.length === 0) return null;
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})[\\p{L}\\p{N}]*`, "giu");
}

/** Fills el with text, the words that begin with one of marks marked. */
export function markText(el: HTMLElement, text: string, marks: string[]): void {
  const re = marker(marks);
  el.replaceChildren(...(re ? marked(text, re) : [document.createTextNode(text)]));
}

// text as text nodes and a mark element for each match of re.
function marked(text: string, re: RegExp): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    nodes.push(document.createTextNode(text.slice(last, at)));
    const mark = document.createElement("mark");
    mark.textContent = m[0];
    nodes.push(mark);
    last = at + m[0].length;
  }
  nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/** Fills el with a snippet of the record page at url around marks. */
export async function fillSnippet(el: HTMLElement, url: string, marks: string[], width = 180): Promise<void> {
  const text = await pageText(url);
  const re = marker(marks);
  if (!text || !re) return;
  // The window of text that holds the most of the different words the
  // query matched: "rotate key" prefers a line with both.
  const hits = [...text.matchAll(re)].map((m) => ({ at: m.index ?? 0, word: m[0].toLowerCase() }));
  let best = hits[0];
  let bestCount = 0;
  for (let i = 0; i < hits.length && i < 500; i++) {
    const seen = new Set<string>();
    for (let j = i; j < hits.length && hits[j].at < hits[i].at + width * 0.66; j++) seen.add(hits[j].word);
    if (seen.size > bestCount) {
      best = hits[i];
      bestCount = seen.size;
    }
  }
  let start = best ? Math.max(0, best.at - width / 3) : 0;
  if (start > 0) {
    const space = text.indexOf(" ", start);
    if (space >= 0 && space < (best?.at ?? 0)) start = space + 1;
  }
  let end = Math.min(text.length, start + width);
  const space = text.lastIndexOf(" ", end);
  if (end < text.length && space > start) end = space;
  const part = text.slice(start, end);

  const nodes = marked(part, re);
  if (start > 0) nodes.unshift(document.createTextNode("… "));
  if (end < text.length) nodes.push(document.createTextNode(" …"));
  el.replaceChildren(...nodes);
}
