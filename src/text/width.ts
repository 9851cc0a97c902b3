import stringWidth from 'string-width';

// Terminal columns, not UTF-16 units: a Hangul syllable takes two columns, so a table padded
// by .length would lean right on every Korean row.

export const displayWidth = (s: string): number => stringWidth(s);

export const padDisplay = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - displayWidth(s)));
