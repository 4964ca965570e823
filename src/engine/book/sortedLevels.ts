/**
 * One side of an order book: integer keys (price in ticks, sign-adjusted so the best level has the
 * smallest key) mapped to quantities, kept sorted in blocks of at most BLOCK_MAX entries.
 *
 * Why blocks: a flat sorted array costs O(n) per insert near the best price, which is where almost all
 * updates land; a balanced tree allocates a node per level. Blocks give O(log n) lookup (binary search
 * over block heads, then inside one block) with O(BLOCK_MAX) bounded shifting, stay cache friendly,
 * and let readers walk from the best level outwards without copying.
 */
const BLOCK_MAX = 64;
const BLOCK_MIN = 16;

class Block {
  keys: number[] = [];
  qtys: number[] = [];
}

export class SortedLevels {
  private blocks: Block[] = [];
  /**
   * First key of every block, side by side: the block search reads one contiguous array instead of
   * chasing block → keys → element for every probe.
   */
  private heads: number[] = [];
  private count = 0;
  /** Block of the last lookup: updates arrive sorted, so the next key is usually in the same block. */
  private hint = 0;
  /** Where in that block the last lookup landed: the next, larger key is usually a few places on. */
  private hintIndex = 0;

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.blocks = [];
    this.heads = [];
    this.count = 0;
  }

  /** Smallest key (the best level), or NaN when empty. */
  firstKey(): number {
    return this.count === 0 ? NaN : this.blocks[0].keys[0];
  }

  firstQty(): number {
    return this.count === 0 ? 0 : this.blocks[0].qtys[0];
  }

  get(key: number): number {
    const b = this.findBlock(key);
    if (b < 0) return 0;
    const block = this.blocks[b];
    const i = lowerBound(block.keys, key);
    return i < block.keys.length && block.keys[i] === key ? block.qtys[i] : 0;
  }

  /** Sets the quantity at `key`; a quantity of 0 removes the level (absent levels are ignored). */
  set(key: number, qty: number): void {
    if (qty === 0) {
      this.remove(key);
      return;
    }
    const blocks = this.blocks;
    if (blocks.length === 0) {
      const block = new Block();
      block.keys.push(key);
      block.qtys.push(qty);
      blocks.push(block);
      this.heads.push(key);
      this.count = 1;
      return;
    }
    let b = this.findBlock(key);
    if (b < 0) b = 0;
    const block = blocks[b];
    const keys = block.keys;
    const i = this.indexIn(b, keys, key);
    if (i < keys.length && keys[i] === key) {
      block.qtys[i] = qty;
      return;
    }
    insertAt(keys, i, key);
    insertAt(block.qtys, i, qty);
    if (i === 0) this.heads[b] = key;
    this.count++;
    if (keys.length > BLOCK_MAX) this.split(b);
  }

  remove(key: number): boolean {
    const b = this.findBlock(key);
    if (b < 0) return false;
    const block = this.blocks[b];
    const i = this.indexIn(b, block.keys, key);
    if (i >= block.keys.length || block.keys[i] !== key) return false;
    removeAt(block.keys, i);
    removeAt(block.qtys, i);
    this.count--;
    if (block.keys.length === 0) {
      this.blocks.splice(b, 1);
      this.heads.splice(b, 1);
    } else {
      if (i === 0) this.heads[b] = block.keys[0];
      if (block.keys.length < BLOCK_MIN) this.mergeWithNeighbour(b);
    }
    return true;
  }

  /**
   * Replaces the whole side with `count` levels from a flat [key?, qty] source, already sorted by
   * key ascending, skipping zero quantities. Used for snapshots and depth20 frames.
   */
  loadSorted(keys: ArrayLike<number>, qtys: ArrayLike<number>, count: number): void {
    this.blocks = [];
    this.heads = [];
    this.count = 0;
    let block: Block | undefined;
    for (let i = 0; i < count; i++) {
      if (qtys[i] === 0) continue;
      if (block === undefined || block.keys.length === BLOCK_MAX >> 1) {
        block = new Block();
        this.blocks.push(block);
        this.heads.push(keys[i]);
      }
      block.keys.push(keys[i]);
      block.qtys.push(qtys[i]);
      this.count++;
    }
  }

  /** Visits levels from the smallest key while `visit` returns true. */
  forEach(visit: (key: number, qty: number, index: number) => boolean): void {
    let index = 0;
    for (const block of this.blocks) {
      const keys = block.keys;
      const qtys = block.qtys;
      for (let i = 0; i < keys.length; i++) {
        if (!visit(keys[i], qtys[i], index++)) return;
      }
    }
  }

  /** Copies the first `max` levels into caller-owned arrays; returns how many were written. */
  readFirst(max: number, keysOut: Float64Array | number[], qtysOut: Float64Array | number[]): number {
    let n = 0;
    for (const block of this.blocks) {
      const keys = block.keys;
      const qtys = block.qtys;
      for (let i = 0; i < keys.length && n < max; i++, n++) {
        keysOut[n] = keys[i];
        qtysOut[n] = qtys[i];
      }
      if (n >= max) break;
    }
    return n;
  }

  /** Visits keys in [fromKey, toKey] ascending, starting with a binary search (no walk from the start). */
  forEachInRange(fromKey: number, toKey: number, visit: (key: number, qty: number) => void): void {
    if (this.count === 0 || fromKey > toKey) return;
    let b = this.findBlock(fromKey);
    if (b < 0) b = 0;
    let i = lowerBound(this.blocks[b].keys, fromKey);
    for (; b < this.blocks.length; b++, i = 0) {
      const { keys, qtys } = this.blocks[b];
      for (; i < keys.length; i++) {
        if (keys[i] > toKey) return;
        visit(keys[i], qtys[i]);
      }
    }
  }

  /** Removes every level with a key smaller than `key`; returns how many were removed. */
  removeBefore(key: number): number {
    let removed = 0;
    while (this.count > 0 && this.blocks[0].keys[0] < key) {
      const block = this.blocks[0];
      const i = lowerBound(block.keys, key);
      if (i >= block.keys.length) {
        removed += block.keys.length;
        this.count -= block.keys.length;
        this.blocks.shift();
        this.heads.shift();
      } else {
        block.keys.splice(0, i);
        block.qtys.splice(0, i);
        this.heads[0] = block.keys[0];
        removed += i;
        this.count -= i;
      }
    }
    return removed;
  }

  /**
   * First index in block `b` whose key is >= `key`. Starts from where the previous lookup in the same
   * block landed and steps forward a little (sorted updates make that the usual case); otherwise a
   * binary search.
   */
  private indexIn(b: number, keys: number[], key: number): number {
    let i = this.hintIndex;
    if (b === this.hint && i <= keys.length && (i === 0 || keys[i - 1] < key)) {
      for (let steps = 0; steps < 8 && i < keys.length && keys[i] < key; steps++) i++;
      if (i === keys.length || keys[i] >= key) {
        this.hintIndex = i;
        return i;
      }
    }
    i = lowerBound(keys, key);
    this.hint = b;
    this.hintIndex = i;
    return i;
  }

  /** Index of the block whose range should hold `key`: last block with head <= key, or -1 if none. */
  private findBlock(key: number): number {
    const heads = this.heads;
    const h = this.hint;
    if (h < heads.length && heads[h] <= key && (h + 1 === heads.length || heads[h + 1] > key)) return h;
    let lo = 0;
    let hi = heads.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (heads[mid] <= key) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found >= 0) this.hint = found;
    return found;
  }

  private split(b: number): void {
    const block = this.blocks[b];
    const half = block.keys.length >> 1;
    const right = new Block();
    right.keys = block.keys.splice(half);
    right.qtys = block.qtys.splice(half);
    this.blocks.splice(b + 1, 0, right);
    this.heads.splice(b + 1, 0, right.keys[0]);
  }

  private mergeWithNeighbour(b: number): void {
    const blocks = this.blocks;
    const next = b + 1 < blocks.length ? b + 1 : -1;
    const prev = b > 0 ? b - 1 : -1;
    const other = next >= 0 && (prev < 0 || blocks[next].keys.length <= blocks[prev].keys.length) ? next : prev;
    if (other < 0) return;
    const left = Math.min(b, other);
    const right = left + 1;
    if (blocks[left].keys.length + blocks[right].keys.length > BLOCK_MAX) return;
    const l = blocks[left];
    const r = blocks[right];
    for (let i = 0; i < r.keys.length; i++) {
      l.keys.push(r.keys[i]);
      l.qtys.push(r.qtys[i]);
    }
    blocks.splice(right, 1);
    this.heads.splice(right, 1);
  }
}

// Blocks are short, so moving elements by hand beats splice(), which also allocates a result array.
function insertAt(list: number[], index: number, value: number): void {
  let i = list.length;
  list.push(value);
  for (; i > index; i--) list[i] = list[i - 1];
  list[index] = value;
}

function removeAt(list: number[], index: number): void {
  const last = list.length - 1;
  for (let i = index; i < last; i++) list[i] = list[i + 1];
  list.pop();
}

function lowerBound(keys: number[], key: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
