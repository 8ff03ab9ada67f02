/**
 * Counts in words: "1 class", "2 classes", "0 images". English plurals the studio needs are the
 * regular ones (+s, +es after s/x/z/ch/sh); irregular ones are passed as `many`.
 */
export function pluralWord(n: number, one: string, many = regularPlural(one)): string {
  return n === 1 ? one : many;
}

/** `${n} ${word}` with the word agreeing with n; n is printed as given (no rounding). */
export function plural(n: number, one: string, many?: string): string {
  return `${n} ${pluralWord(n, one, many)}`;
}

function regularPlural(word: string): string {
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}
