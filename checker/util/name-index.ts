/** Names numbered in the order first seen (coverage buckets, action keys): a number per name, and the names by number. */
export class NameIndex {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  /** The name's number, giving it the next one if it is new. */
  indexOf(name: string): number {
    let i = this.ids.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.ids.set(name, i);
      this.names.push(name);
    }
    return i;
  }
}
