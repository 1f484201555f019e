// The history list's data source: pages of entries fetched on demand and cached, so the
// list can scroll through 100 000 entries while holding only what was looked at.
import type { Entry, HistoryPage } from "../api";

export const PAGE_SIZE = 200;

export type Fetch = (offset: number, limit: number) => Promise<HistoryPage>;

export class PageCache {
  private pages = new Map<number, Entry[]>();
  /** Pages from before a refresh, shown until their fresh copy arrives (no flicker). */
  private stale = new Map<number, Entry[]>();
  private pending = new Map<number, Promise<void>>();
  /** Bumped by `reset`: answers to older requests are dropped. */
  private generation = 0;
  total = 0;
  /** Whether a page arrived since the last reset (the list knows its size). */
  loaded = false;
  error: string | null = null;

  constructor(
    private fetch: Fetch,
    private onChange: () => void,
    readonly pageSize = PAGE_SIZE,
  ) {}

  /** Forget everything: the filter changed. */
  reset(): void {
    this.generation++;
    this.pages.clear();
    this.stale.clear();
    this.pending.clear();
    this.error = null;
    this.loaded = false;
    this.total = 0;
  }

  /** Takes a page answered before the cache was made, as if it had fetched it. */
  seed(page: number, res: HistoryPage): void {
    this.pages.set(page, res.entries);
    this.total = res.total;
    this.loaded = true;
    this.error = null;
  }

  /** Entries changed: fetch again, showing the old rows until the new ones arrive. */
  refresh(): void {
    this.generation++;
    for (const [k, v] of this.pages) this.stale.set(k, v);
    this.pages.clear();
    this.pending.clear();
  }

  get(index: number): Entry | undefined {
    const p = Math.floor(index / this.pageSize);
    return (this.pages.get(p) ?? this.stale.get(p))?.[index % this.pageSize];
  }

  /** Loads the pages covering rows first..last (inclusive); the first load sizes the list. */
  ensure(first: number, last: number): Promise<void> {
    const from = Math.max(0, Math.floor(first / this.pageSize));
    const to = Math.max(from, Math.floor(Math.max(first, last) / this.pageSize));
    const waits: Promise<void>[] = [];
    for (let p = from; p <= to; p++) {
      if (this.pages.has(p)) continue;
      waits.push(this.pending.get(p) ?? this.load(p));
    }
    return Promise.all(waits).then(() => undefined);
  }

  private load(page: number): Promise<void> {
    const gen = this.generation;
    const job = this.fetch(page * this.pageSize, this.pageSize).then(
      (res) => {
        if (gen !== this.generation) return;
        this.pending.delete(page);
        this.pages.set(page, res.entries);
        this.stale.delete(page);
        this.total = res.total;
        this.loaded = true;
        this.error = null;
        this.onChange();
      },
      (e: unknown) => {
        if (gen !== this.generation) return;
        this.pending.delete(page);
        this.error = typeof e === "string" ? e : e instanceof Error ? e.message : String(e);
        this.onChange();
      },
    );
    this.pending.set(page, job);
    return job;
  }
}
