// A path or word quoted for a POSIX shell, so a hint the user pastes runs what it says and
// nothing else (a run folder named `$(rm -rf ~)` stays a name). Plain words are left bare.
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
