/**
 * Stores `key` as the newest entry of `map`, first dropping the oldest when the map holds `max` entries: a Map
 * iterates in insertion order, so deleting and re-inserting keeps the least recently stored key first. For the
 * per-location caches, whose size would otherwise grow with every location a process ever served.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}
