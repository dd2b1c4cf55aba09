/**
 * Look-alike usernames (docs/protocol.md, "Names"): two names look alike when their skeletons are
 * equal. The skeleton is a deliberately coarse key, built in this order:
 *   1. each character of a small confusables table (Cyrillic and Greek letters drawn like Latin
 *      ones, digits drawn like letters) becomes its Latin twin;
 *   2. NFKD (compatibility forms: fullwidth, ligatures, superscripts) and marks removed, so accents
 *      do not tell names apart;
 *   3. lower case, then `l` and `1` become `i` (the I/l/1 confusion);
 *   4. separators removed: spaces, punctuation, invisible formatting (`_`, `-`, `.`…);
 *   5. `rn` → `m`, `vv` → `w`.
 * It is a flag, not an identity: names with equal skeletons can belong to honest people, so peers'
 * names are only marked, and only local creation is refused.
 */

/**
 * Homoglyphs of Latin letters (both cases where both exist) as pairs `<look-alike><Latin>`. Every
 * glyph drawn like a small l or capital I maps to `i`, and so do `l` and `1` themselves (step 3b),
 * so `alice`, `aIice`, `a1ice` and `ALICE` share one skeleton.
 */
const PAIRS =
  // Cyrillic
  'аa Аa вb Вb сc Сc ԁd еe Еe ёe Ёe һh Нh іi Іi їi јj Јj кk Кk ӏi Ӏi мm Мm пn оo Оo рp Рp ' +
  'ԛq гr ѕs Ѕs тt Тt иu уy Уy ԝw хx Хx үy ' +
  // Greek
  'αa Αa βb Βb εe Εe Ζz ηn Ηh ιi Ιi κk Κk Μm νv Νn οo Οo ρp Ρp τt Τt υu Υy χx Χx ωw ' +
  // Latin and digits
  '0o 5s ıi ɡg ɑa |i';

const CONFUSABLES: ReadonlyMap<string, string> = new Map(
  PAIRS.split(' ').map((pair) => {
    const [from, to] = [...pair];
    return [from as string, to as string];
  }),
);

function mapConfusables(text: string): string {
  let out = '';
  for (const char of text) out += CONFUSABLES.get(char) ?? char;
  return out;
}

const MARKS = /\p{M}/gu;
const SEPARATORS = /[\p{Z}\p{P}\p{Cf}\p{Cc}\s]/gu;

// User views compare a name with every known profile, so skeletons are kept: a bounded cache,
// emptied when full (names change rarely; a refill costs one pass).
const CACHE_LIMIT = 100_000;
const cache = new Map<string, string>();

/** The skeleton of a name: equal skeletons mean the names look alike. */
export function skeleton(name: string): string {
  let key = cache.get(name);
  if (key === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    key = computeSkeleton(name);
    cache.set(name, key);
  }
  return key;
}

function computeSkeleton(name: string): string {
  // Mapped before and after NFKD: a fullwidth capital I decomposes into the I of the table.
  return mapConfusables(mapConfusables(name.normalize('NFC')).normalize('NFKD').replace(MARKS, ''))
    .toLowerCase()
    .replace(/[l1]/g, 'i')
    .replace(SEPARATORS, '')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}
